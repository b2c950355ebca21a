import { defineConfig } from 'vitest/config';

// The real-app tests (test/apps): each installs a small app from its own lockfile plus the packed tarball, builds
// it and drives it on 127.0.0.1. One file at a time: builds take both cores.
export default defineConfig({
  test: {
    name: 'apps',
    include: ['test/apps/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/apps/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
