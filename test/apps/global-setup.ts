// Packs clicktrail once per run, as `npm publish` would (npm pack of the built package), for every app to install.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    tarball: string;
  }
}

export default function setup(project: TestProject) {
  if (!existsSync('dist/index.js') || !existsSync('dist/react.js'))
    throw new Error('dist/ is missing: the apps install the packed build (npm run build first)');
  const dir = mkdtempSync(join(tmpdir(), 'clicktrail-pack-'));
  const out = execFileSync('npm', ['pack', '--pack-destination', dir, '--ignore-scripts', '--json'], {
    encoding: 'utf8',
  });
  const [{ filename }] = JSON.parse(out) as [{ filename: string }];
  project.provide('tarball', join(dir, filename));
  return () => rmSync(dir, { recursive: true, force: true });
}
