#!/usr/bin/env node
// Makes a fresh clone ready: installs npm dependencies when missing or stale; with --browser, a Chromium for the
// end-to-end tests (Debian's where apt-get exists, Playwright's own download elsewhere); with --postgres, Debian's
// PostgreSQL for the outbox tests and benchmark (where it cannot be had, those tests say they were skipped and why).
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { findPostgresBin } from './postgres.mjs';

const run = (cmd) => {
  console.log(`$ ${cmd}`);
  execSync(cmd, { stdio: 'inherit' });
};
const has = (cmd) => {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs + 1000) {
  // `npm ci` installs exactly the lockfile and never rewrites it, so a fresh clone's tree stays clean.
  run('npm ci --no-audit --no-fund');
}

const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
let updated = false;
const aptInstall = (pkg) => {
  if (!updated) run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get update`);
  updated = true;
  run(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkg}`);
};

if (process.argv.includes('--browser')) {
  const system = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (process.env.CHROMIUM_PATH || system) {
    console.log(`browser: ${process.env.CHROMIUM_PATH || system}`);
  } else if (has('apt-get')) {
    aptInstall('chromium');
  } else {
    run('npx playwright install chromium');
  }
}

if (process.argv.includes('--postgres')) {
  const bin = findPostgresBin();
  if (bin) console.log(`postgres: ${bin}`);
  else if (has('apt-get')) aptInstall('postgresql');
  else
    console.log('postgres: not installed and no apt-get here: the PostgreSQL outbox tests will be skipped');
}
