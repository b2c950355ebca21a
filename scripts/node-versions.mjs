#!/usr/bin/env node
// `npm run test:node`: the server module's and the CLI's unit tests (with the core they use) on every Node line
// the package supports besides the one running npm test. Each runtime is the registry's `node@<major>` package,
// installed once into .cache/node/<major> (gitignored): no other download. Needs dist/ (npm test builds it).
//   node scripts/node-versions.mjs          → 22 and 24
//   node scripts/node-versions.mjs 24       → just 24
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const majors = process.argv.slice(2).length ? process.argv.slice(2) : ['22', '24'];
const TESTS = ['test/core', 'test/server', 'test/cli'];

if (!existsSync('dist/cli.js')) {
  console.error('dist/ is missing: run npm run build first');
  process.exit(1);
}

const run = (command, args, options = {}) =>
  spawnSync(command, args, { stdio: 'inherit', ...options }).status;
const results = [];
for (const major of majors) {
  const dir = resolve('.cache', 'node', major);
  const node = resolve(dir, 'node_modules', 'node', 'bin', 'node');
  const version = () => spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!existsSync(node) || !version().startsWith(`v${major}.`)) {
    console.log(`\n▶ installing node@${major} into ${dir}`);
    const code = run(
      'npm',
      ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', `node@${major}`],
      {
        // Not npm test's own npm_* settings: this is a separate install.
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))),
      },
    );
    if (code !== 0) process.exit(code ?? 1);
  }
  console.log(`\n▶ ${TESTS.join(' ')} on Node ${version()}`);
  const t = Date.now();
  const code = run(node, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'node', ...TESTS]);
  results.push([version(), code, Date.now() - t]);
}

console.log('');
for (const [version, code, ms] of results)
  console.log(
    `Node ${version.padEnd(9)} ${(ms / 1000).toFixed(1).padStart(6)}s  ${code === 0 ? 'ok' : `FAILED (exit ${code})`}`,
  );
process.exit(results.every(([, code]) => code === 0) ? 0 : 1);
