import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The CLI imports the public `clicktrail/server` entry by name (as a user would); tests run it from source.
const alias = [
  {
    find: /^clicktrail\/server$/,
    replacement: fileURLToPath(new URL('src/server/index.ts', import.meta.url)),
  },
  ...['sqlite', 'postgres'].map((name) => ({
    find: new RegExp(`^clicktrail/server/${name}$`),
    replacement: fileURLToPath(new URL(`src/server/${name}.ts`, import.meta.url)),
  })),
];

// Browser code runs under happy-dom; core and server code under plain Node, as they ship.
export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], environment: 'happy-dom' },
      },
      {
        resolve: { alias },
        test: {
          name: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/server/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/package/**/*.test.ts',
            'test/docs/**/*.test.ts',
          ],
          environment: 'node',
          // A throwaway PostgreSQL cluster for the outbox tests (skipped, with the reason, where none can start).
          globalSetup: ['test/setup/postgres.ts'],
        },
      },
    ],
  },
});
