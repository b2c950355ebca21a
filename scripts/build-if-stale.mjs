#!/usr/bin/env node
// `npm start`'s build step: `npm run build` when dist/ is missing or older than what it is built from (src/, the
// rollup config, package.json), so a second `npm start` starts in a second instead of rebuilding.
import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const mtime = (file) => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};
const newest = (dir) =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : mtime(join(dir, e.name)),
    ),
  );

const outputs = [
  'dist/clicktrail.min.js',
  'dist/index.js',
  'dist/server/index.js',
  'dist/server/node.js',
  'dist/cli.js',
];
const sources = Math.max(newest('src'), mtime('rollup.config.mjs'), mtime('package.json'));
if (Math.min(...outputs.map(mtime)) > sources) console.log('dist/ is up to date');
else execSync('npm run build', { stdio: 'inherit' });
