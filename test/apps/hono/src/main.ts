// Serves the app on 127.0.0.1 and a free port (the test reads it from the first line).
import { serve } from '@hono/node-server';
import app from './app.js';

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info) =>
  console.log(`listening on ${info.port}`),
);
