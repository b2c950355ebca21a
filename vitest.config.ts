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

// Browser code runs under happy-dom; core and server code under plain Node, as they ship. Type tests
// (test/types/*.test-d.ts, expectTypeOf) run through tsc in vitest's typecheck mode.
export default defineConfig({
  resolve: { alias },
  test: {
    // `npm run test:unit` measures coverage of src/ (v8's own counters, no instrumentation) and fails under these
    // floors, set a few points below what the suite reaches so that new code comes with its tests.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // Type-only modules have no statements; cli.ts is the process wiring, run by test/cli/spawn.test.ts in a child.
      exclude: ['src/**/*.d.ts', 'src/browser/global.ts', 'src/cli.ts'],
      reporter: ['text-summary', 'html'],
      thresholds: { statements: 93, branches: 87, functions: 93, lines: 95 },
    },
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
            'test/build/**/*.test.ts',
            'test/package/**/*.test.ts',
            'test/docs/**/*.test.ts',
          ],
          environment: 'node',
          // A throwaway PostgreSQL cluster for the outbox tests (skipped, with the reason, where none can start).
          globalSetup: ['test/setup/postgres.ts'],
        },
      },
      {
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['test/types/**/*.test-d.ts'],
            tsconfig: './tsconfig.test.json',
          },
        },
      },
    ],
  },
});
