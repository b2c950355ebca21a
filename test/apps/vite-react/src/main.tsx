import { ClickTrailInit } from 'clicktrail/react';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ClickTrailInit idParams={['click_id', 'affS1']} keep={['affid']} />
    <App />
  </StrictMode>,
);
