// Every code block of the README is checked: type-checked against the built package as a user imports it, run,
// compared with a file a real-app test builds, or explicitly skipped with a reason. A block nobody classified
// fails, so the README cannot drift. How to classify a block: docs/testing.md ("README code blocks").
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Block,
  type Directive,
  findExpectations,
  instrument,
  parseBlocks,
  parseTranscript,
} from './blocks';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The markdown files whose blocks are checked. */
const SOURCES = ['README.md'];
// Gitignored, inside the repository: WORK/node_modules/clicktrail links to this package, so `clicktrail/server` and
// `/// <reference types="clicktrail/global" />` resolve through its exports to dist/ exactly as they do from a
// user's node_modules; react and @types/node come from the repository's devDependencies further up.
const WORK = join(ROOT, '.cache', 'readme');

const blocks = SOURCES.flatMap((source) => parseBlocks(readFileSync(join(ROOT, source), 'utf8'), source));
const where = (b: Block) => `${b.source}:${b.line}`;

type Checked = Block & { directive: Extract<Directive, { kind: 'types' | 'run' }> };
const isChecked = (b: Block): b is Checked => b.directive?.kind === 'types' || b.directive?.kind === 'run';

const EXT: Record<string, string> = { ts: 'ts', tsx: 'tsx', js: 'js', jsx: 'jsx', mjs: 'mjs', mts: 'mts' };

/** The file a types/run block is written to: prelude + code, in a directory of its own. */
const fileOf = (b: Checked) => {
  const name = b.directive.options.file ?? `snippet.${EXT[b.lang] ?? 'ts'}`;
  return join(WORK, `${b.source.replace(/\W/g, '_')}-${b.line}`, name);
};
const preludeLines = (b: Checked) => (b.directive.prelude ? b.directive.prelude.split('\n').length : 0);
const textOf = (b: Checked) => (b.directive.prelude ? `${b.directive.prelude}\n${b.code}` : b.code);
/** The README line of a 0-based line of the written file. */
const readmeLine = (b: Checked, line: number) =>
  line < preludeLines(b)
    ? `the prelude above ${where(b)}`
    : `${b.source}:${b.line + 1 + line - preludeLines(b)}`;

// Strict, as a demanding user's project: Node and DOM types together (a Next.js app has both), bundler resolution.
const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  moduleDetection: ts.ModuleDetectionKind.Force,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: ['node'],
  jsx: ts.JsxEmit.ReactJSX,
  allowJs: true,
  checkJs: true,
  isolatedModules: true,
  skipLibCheck: true,
};

const IMPLICIT_ANY = new Set([7005, 7006, 7008, 7019, 7031, 7034]);

/** Type errors per block file, from one program over all of them (one compile is much faster than one each). */
let diagnostics: Map<string, string[]>;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'index.d.ts')))
    throw new Error('dist/ is missing: the README is checked against the built package (npm run build)');
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'node_modules'), { recursive: true });
  symlinkSync(ROOT, join(WORK, 'node_modules', 'clicktrail'), 'dir');
  const checked = blocks.filter(isChecked);
  for (const b of checked) {
    mkdirSync(dirname(fileOf(b)), { recursive: true });
    writeFileSync(fileOf(b), textOf(b));
  }
  const host = ts.createCompilerHost(compilerOptions);
  host.getCurrentDirectory = () => ROOT;
  const program = ts.createProgram(checked.map(fileOf), compilerOptions, host);
  diagnostics = new Map();
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? '';
    // Plain JavaScript has no annotations to give: implicit `any` is how it is written, not a mistake.
    if (/\.m?jsx?$/.test(file) && IMPLICIT_ANY.has(d.code)) continue;
    const b = checked.find((c) => fileOf(c) === file);
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    const at =
      b && d.start !== undefined ? readmeLine(b, d.file!.getLineAndCharacterOfPosition(d.start).line) : file;
    const key = b ? fileOf(b) : '';
    diagnostics.set(key, [...(diagnostics.get(key) ?? []), `${at}: TS${d.code} ${message}`]);
  }
});

const run = (file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) =>
  new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      file,
      args,
      {
        ...options,
        timeout: 30_000,
        env: { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1', ...options.env },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          output: stdout + stderr,
        }),
    );
  });

const typeErrors = (b: Checked) => diagnostics.get(fileOf(b)) ?? [];

/** Runs a run block on Node: TypeScript stripped, each `// → value` turned into a check naming its README line. */
const runBlock = async (b: Checked) => {
  const text = textOf(b);
  const { found, errors } = findExpectations(text, fileOf(b));
  expect(errors.map((e) => `${where(b)} ${e}`)).toEqual([]);
  const checkedCode = instrument(text, found, (line) => readmeLine(b, line));
  const js = ts.transpileModule(checkedCode, {
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      jsx: ts.JsxEmit.ReactJSX,
    },
  }).outputText;
  const browser = b.directive.options.browser;
  const file = join(dirname(fileOf(b)), 'run.mjs');
  writeFileSync(
    file,
    [
      `import { __expect } from ${JSON.stringify(pathToFileURL(join(ROOT, 'test/docs/expect.mjs')).href)};`,
      // A page at that URL (happy-dom): window, document, cookies and localStorage, as the browser code expects.
      browser && `import { GlobalRegistrator } from '@happy-dom/global-registrator';`,
      browser && `GlobalRegistrator.register({ url: ${JSON.stringify(browser)} });`,
      js,
      browser && 'await GlobalRegistrator.unregister();',
    ]
      .filter(Boolean)
      .join('\n'),
  );
  const result = await run(process.execPath, [file], { cwd: dirname(file) });
  expect(result.code, `${where(b)} ran and failed:\n${result.output}`).toBe(0);
  return found.length;
};

/** A `clicktrail` on PATH that runs the built CLI, as `npx clicktrail` would. */
const cliBin = () => {
  const bin = join(WORK, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'clicktrail'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist', 'cli.js')}" "$@"\n`,
  );
  chmodSync(join(bin, 'clicktrail'), 0o755);
  return bin;
};

describe('README code blocks', () => {
  it('every block says how it is checked', () => {
    const problems = blocks
      .filter((b) => !b.directive || b.directive.kind === 'invalid')
      .map((b) =>
        b.directive?.kind === 'invalid'
          ? `${where(b)}: ${b.directive.error}`
          : `${where(b)}: a \`\`\`${b.lang} block nobody classified: put <!-- test: types|run|cli|same-as <path>|` +
            'skip <reason> --> on the line above it (docs/testing.md, "README code blocks")',
      );
    expect(problems).toEqual([]);
  });

  it('every skipped block points at test files that exist', () => {
    // A skip reason names where the block is covered instead (`e2e/carry.spec.ts clicks …`): a renamed test would
    // otherwise leave the reason pointing at nothing.
    const named = blocks.flatMap((b) =>
      b.directive?.kind === 'skip'
        ? (b.directive.reason.match(/[\w./-]+\.(?:test|spec)\.ts\b/g) ?? []).map((path) => ({ b, path }))
        : [],
    );
    // Many reasons name test files (`e2e/carry.spec.ts`, `test/apps/npm-start.test.ts`): a pattern that matched
    // none would make this test pass while checking nothing.
    expect(named.length).toBeGreaterThan(0);
    const missing = named
      .filter(({ path }) => !existsSync(join(ROOT, path)))
      .map(({ b, path }) => `${where(b)}: ${path}`);
    expect(missing).toEqual([]);
  });

  for (const b of blocks) {
    const d = b.directive;
    if (!d || d.kind === 'invalid') continue;
    const title = `${where(b)} ${d.kind}${d.kind === 'same-as' ? ` ${d.path}` : ''} (${b.lang || 'text'})`;
    if (d.kind === 'skip') {
      it.skip(`${title}: ${d.reason}`, () => {});
      continue;
    }
    it(title, async () => {
      if (d.kind === 'types' || d.kind === 'run') {
        expect(typeErrors(b as Checked)).toEqual([]);
        if (d.kind === 'run')
          expect(await runBlock(b as Checked), `${where(b)} has no // → result to check`).toBeGreaterThan(0);
      } else if (d.kind === 'same-as') {
        const path = join(ROOT, d.path);
        expect(existsSync(path), `${d.path} exists`).toBe(true);
        expect(b.code.trimEnd(), `${where(b)} is ${relative(ROOT, path)}, verbatim`).toBe(
          readFileSync(path, 'utf8').trimEnd(),
        );
      } else if (d.kind === 'cli') {
        const { commands, errors } = parseTranscript(b.code);
        expect(errors.map((e) => `${where(b)} ${e}`)).toEqual([]);
        expect(commands.length).toBeGreaterThan(0);
        const bin = cliBin();
        for (const c of commands) {
          expect(c.command, `${where(b)}: a cli block runs clicktrail only`).toMatch(/^clicktrail\b/);
          const env = { PATH: `${bin}:${process.env.PATH}`, STRIPE_WEBHOOK_SECRET: '' };
          const result = await run('bash', ['-c', `{ ${c.command}\n} 2>&1`], { cwd: WORK, env });
          const at = `${b.source}:${b.line + 1 + c.line}: $ ${c.command}`;
          expect(
            result.output
              .replace(/\s+$/, '')
              .split('\n')
              .map((l) => l.replace(/\s+$/, '')),
            at,
          ).toEqual(c.output);
          expect(result.code, `${at}: exit code`).toBe(c.exit);
        }
      }
    });
  }
});
