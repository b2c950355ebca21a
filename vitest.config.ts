import { defineConfig } from 'vitest/config';

// Browser code runs under happy-dom; core and server code under plain Node, as they ship.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], environment: 'happy-dom' } },
      {
        test: {
          name: 'node',
          include: ['test/core/**/*.test.ts', 'test/server/**/*.test.ts', 'test/cli/**/*.test.ts'],
          environment: 'node',
          // A throwaway PostgreSQL cluster for the outbox tests (skipped, with the reason, where none can start).
          globalSetup: ['test/setup/postgres.ts'],
        },
      },
    ],
  },
});
