import { execSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const mtime = (file: string): number => {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
};

const newest = (dir: string): number =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : mtime(join(dir, e.name)),
    ),
  );

/** Builds dist/ first when any bundle is missing or older than src/ (`npm test` has built it already). */
export default function globalSetup(): void {
  const fresh = () =>
    Math.min(
      mtime('dist/clicktrail.min.js'),
      mtime('dist/index.js'),
      mtime('dist/server/index.js'),
      mtime('dist/cli.js'),
    ) > newest('src');
  if (fresh()) return;
  console.log('e2e: dist/ is missing or stale, running rollup -c');
  execSync('npx rollup -c', { stdio: 'inherit' });
}
