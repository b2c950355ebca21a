import { defineConfig } from '@playwright/test';
import { launchOptions } from './scripts/chromium.mjs';

// End-to-end tests: Debian Chromium (or Playwright's own when none is installed), real hostnames over HTTPS.
// Each worker starts its own HTTPS server and maps every hostname to it (see e2e/fixtures.ts).
export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  reporter: process.env.CI ? [['list'], ['junit', { outputFile: 'test-results/e2e-junit.xml' }]] : 'list',
  use: {
    browserName: 'chromium',
    launchOptions,
    ignoreHTTPSErrors: true,
    actionTimeout: 5_000,
    navigationTimeout: 10_000,
    trace: 'retain-on-failure',
  },
  projects: [{ name: 'chromium' }],
});
