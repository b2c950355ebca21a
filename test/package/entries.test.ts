// The built browser entries as a site's bundler sees them: clicktrail/react costs nothing to a site that does not
// import it, and nothing to one that imports it without using it. Runs on dist/ (npm test builds it first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rollup } from 'rollup';
import { describe, expect, it } from 'vitest';

const dist = (file: string) => fileURLToPath(new URL(`../../dist/${file}`, import.meta.url));

/** Bundles `code` as a site would (ESM, tree-shaken), resolving clicktrail's entries to dist/ and nothing else. */
const bundle = async (code: string): Promise<string> => {
  if (!existsSync(dist('react.js'))) throw new Error('dist/ is missing: run npm run build first');
  const build = await rollup({
    input: 'entry',
    // Neither package.json's sideEffects nor a plugin helps here: what is dropped is dropped on its own merits.
    external: ['js-cookie', 'react'],
    // A bundler drops 'use client' from the modules it merges (Next.js reads it before bundling): expected here.
    onwarn: (warning, warn) => {
      if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
    },
    plugins: [
      {
        name: 'site',
        resolveId: (id) =>
          id === 'entry'
            ? id
            : id === 'clicktrail'
              ? dist('index.js')
              : id === 'clicktrail/react'
                ? dist('react.js')
                : null,
        load: (id) => (id === 'entry' ? code : null),
      },
    ],
  });
  const { output } = await build.generate({ format: 'es' });
  return output[0].code;
};

describe('browser entries, bundled', () => {
  it('import { init } from "clicktrail" carries no React code', async () => {
    const code = await bundle(`import { init } from 'clicktrail'; init();`);
    expect(code).toContain('client_reference_id');
    expect(code).not.toMatch(/react|useSyncExternalStore|ClickTrailInit/);
  });

  it('importing clicktrail/react without using it bundles to nothing', async () => {
    const code = await bundle(`import { ClickTrailInit, useClickTrail } from 'clicktrail/react';`);
    // Left: only the bare imports of the externals (react, js-cookie), whose own package.json decides their fate.
    expect(code.replace(/^import '[^']+';$/gm, '').trim()).toBe('');
  });

  it('clicktrail/react keeps its client directive and imports clicktrail from dist/index.js', async () => {
    const { readFileSync } = await import('node:fs');
    const react = readFileSync(dist('react.js'), 'utf8');
    expect(react.startsWith("'use client';")).toBe(true);
    expect(react).toMatch(/from '\.\/index\.js'/);
    expect(react).not.toMatch(/js-cookie/);
  });
});
