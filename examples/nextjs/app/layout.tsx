import { ClickTrailInit } from 'clicktrail/react';
import type { ReactNode } from 'react';

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        {/* Starts clicktrail once, in the browser, for every page under this layout. */}
        <ClickTrailInit idParams={['click_id', 'affS1']} keep={['affid']} />
        {children}
      </body>
    </html>
  );
}
