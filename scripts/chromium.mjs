// Where the tests and benchmarks find Chromium, and how they launch it on these machines.
import { existsSync } from 'node:fs';

/** The system Chromium to use, or undefined to let Playwright use its own download. */
export const executablePath =
  process.env.CHROMIUM_PATH || ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** Flags that keep a headless Chromium from reaching for the network or a sandbox it cannot have. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--host-resolver-rules=MAP * 127.0.0.1',
];

/** Launch options for playwright's chromium.launch(). */
export const launchOptions = { executablePath, args: chromiumArgs };
