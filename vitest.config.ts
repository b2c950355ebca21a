import { defineConfig } from 'vitest/config';

// Browser code runs under happy-dom; core and server code under plain Node, as they ship. Type tests
// (test/types/*.test-d.ts, expectTypeOf) run through tsc in vitest's typecheck mode.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], environment: 'happy-dom' } },
      {
        test: {
          name: 'node',
          include: [
            'test/core/**/*.test.ts',
            'test/server/**/*.test.ts',
            'test/cli/**/*.test.ts',
            'test/build/**/*.test.ts',
          ],
          environment: 'node',
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
