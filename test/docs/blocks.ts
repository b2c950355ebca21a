// The README's code blocks and what each one promises, read from a `<!-- test: … -->` comment right above it.
// Pure functions: readme.test.ts does the type-checking and running. How to classify a block: docs/testing.md.
import ts from 'typescript';

/** What a block is checked for. */
export type Directive =
  /** Type-checked (strict) as a module that imports the built package, as a user's file would. */
  | { kind: 'types'; prelude: string; options: Record<string, string> }
  /** Type-checked, then run on Node; every `// → value` comment is checked against the statement before it. */
  | { kind: 'run'; prelude: string; options: Record<string, string> }
  /** A terminal transcript: each `$ clicktrail …` is run and its output (and `# exit N`) compared. */
  | { kind: 'cli' }
  /** Identical to a file that a test builds and runs (a real app in test/apps, an example). */
  | { kind: 'same-as'; path: string }
  /** Not checked, for the reason given (a command that starts a server, markup shown for reading, …). */
  | { kind: 'skip'; reason: string };

export interface Block {
  /** The markdown file, as given. */
  source: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's info string's first word: `ts`, `js`, `sh`, `html`, or ''. */
  lang: string;
  /** The block's content, without the fences (and without the fence's indentation). */
  code: string;
  /** The directive above it, or an error saying what is wrong with it; undefined when there is none. */
  directive?: Directive | { kind: 'invalid'; error: string };
}

const KINDS = ['types', 'run', 'cli', 'same-as', 'skip'];

/** Reads `<!-- test: kind rest…` (first line) and the hidden prelude (the comment's other lines). */
export const parseDirective = (comment: string): Directive | { kind: 'invalid'; error: string } => {
  const body = comment.replace(/^<!--\s*test:/, '').replace(/-->\s*$/, '');
  const [first = '', ...rest] = body.split('\n');
  const [kind = '', ...words] = first.trim().split(/\s+/);
  const text = first.trim().slice(kind.length).trim();
  const prelude = rest.join('\n').replace(/\s+$/, '');
  if (!KINDS.includes(kind))
    return { kind: 'invalid', error: `unknown kind '${kind}' (one of ${KINDS.join(', ')})` };
  if (kind === 'skip') {
    if (text.length < 8)
      return { kind: 'invalid', error: 'skip needs a reason: <!-- test: skip why it cannot run -->' };
    return { kind, reason: text };
  }
  if (prelude && kind !== 'types' && kind !== 'run')
    return { kind: 'invalid', error: `only types and run blocks take a prelude, not ${kind}` };
  if (kind === 'cli') return text ? { kind: 'invalid', error: 'cli takes no options' } : { kind };
  if (kind === 'same-as')
    return text ? { kind, path: text } : { kind: 'invalid', error: 'same-as needs a path' };
  const options: Record<string, string> = {};
  for (const word of words) {
    const m = /^(file|browser)=(\S+)$/.exec(word);
    if (!m) return { kind: 'invalid', error: `unknown option '${word}' (file=name.tsx, browser=https://…)` };
    options[m[1]!] = m[2]!;
  }
  return { kind: kind as 'types' | 'run', prelude, options };
};

/** Every fenced code block of a markdown text, with the directive that precedes it (if any). */
export const parseBlocks = (markdown: string, source: string): Block[] => {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(fence); i++)
      body.push(lines[i]!.startsWith(indent) ? lines[i]!.slice(indent.length) : lines[i]!);
    const block: Block = { source, line: start + 1, lang, code: body.join('\n') };
    // The directive is the HTML comment that ends on the line right above the fence.
    if (start > 0 && lines[start - 1]!.trim().endsWith('-->')) {
      let from = start - 1;
      while (from > 0 && !lines[from]!.includes('<!--')) from--;
      const comment = lines.slice(from, start).join('\n').trim();
      if (/^<!--\s*test:/.test(comment)) block.directive = parseDirective(comment);
    }
    blocks.push(block);
  }
  return blocks;
};

/** One checked result: `// → expected` after a top-level expression statement. */
export interface Expectation {
  /** Offsets of the statement's expression in the code. */
  start: number;
  end: number;
  /** The text after the arrow, e.g. `'https://…'` or `{ id: 'abc123' }`. */
  expected: string;
  /** 0-based line of the comment in the code. */
  line: number;
}

const lineOf = (code: string, offset: number) => code.slice(0, offset).split('\n').length - 1;

/**
 * Finds the `// → value` comments of a block and the top-level expression statement each belongs to: on the
 * statement's last line, or on the lines right after it. A → comment anywhere else is an error (it would go
 * unchecked).
 */
export const findExpectations = (
  code: string,
  fileName: string,
): { found: Expectation[]; errors: string[] } => {
  const file = ts.createSourceFile(fileName, code, ts.ScriptTarget.Latest, true);
  const found: Expectation[] = [];
  const claimed = new Set<number>();
  for (const statement of file.statements) {
    if (!ts.isExpressionStatement(statement)) continue;
    const comments = [
      ...(ts.getTrailingCommentRanges(code, statement.end) ?? []),
      ...(ts.getLeadingCommentRanges(code, statement.end) ?? []),
    ];
    for (const c of comments) {
      const text = code.slice(c.pos, c.end);
      const m = /^\/\/\s*→\s?(.*)$/.exec(text);
      if (!m || claimed.has(c.pos)) continue;
      // Only the comments that directly follow: a blank line ends the statement's group.
      if (/\n\s*\n/.test(code.slice(statement.end, c.pos))) break;
      claimed.add(c.pos);
      const expression = statement.expression;
      found.push({
        start: expression.getStart(file),
        end: expression.end,
        expected: m[1]!.trim(),
        line: lineOf(code, c.pos),
      });
    }
  }
  const errors: string[] = [];
  for (const m of code.matchAll(/\/\/\s*→/g))
    if (!claimed.has(m.index!))
      errors.push(
        `line ${lineOf(code, m.index!) + 1}: a "// →" comment must follow a top-level expression statement`,
      );
  return { found, errors };
};

/** Rewrites each checked statement `expr;` into `await __expect(expr, "expected", "where");`. */
export const instrument = (
  code: string,
  expectations: Expectation[],
  where: (line: number) => string,
): string => {
  let out = code;
  for (const e of [...expectations].sort((a, b) => b.start - a.start)) {
    const call = `await __expect(${out.slice(e.start, e.end)}, ${JSON.stringify(e.expected)}, ${JSON.stringify(where(e.line))})`;
    out = `${out.slice(0, e.start)}${call}${out.slice(e.end)}`;
  }
  return out;
};

/** One command of a transcript and what it must print. */
export interface Command {
  /** 0-based line of the `$` in the block. */
  line: number;
  /** The command without the `$ `, continuation lines joined as the shell would. */
  command: string;
  /** The expected output lines (stdout and stderr, in order). */
  output: string[];
  /** The expected exit code (`# exit N` at the end of the last output line), default 0. */
  exit: number;
}

/** Reads a `$ command` / output transcript. */
export const parseTranscript = (code: string): { commands: Command[]; errors: string[] } => {
  const commands: Command[] = [];
  const errors: string[] = [];
  const lines = code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.trim()) continue;
    if (!line.startsWith('$ ')) {
      errors.push(`line ${i + 1}: output without a command before it`);
      continue;
    }
    const start = i;
    let command = line.slice(2);
    while (command.endsWith('\\') && i + 1 < lines.length)
      command = `${command.slice(0, -1)} ${lines[++i]!.trim()}`;
    const output: string[] = [];
    let exit = 0;
    while (i + 1 < lines.length && lines[i + 1]!.trim() && !lines[i + 1]!.startsWith('$ ')) {
      let out = lines[++i]!;
      const code = /\s+# exit (\d+)$/.exec(out);
      if (code) {
        exit = Number(code[1]);
        out = out.slice(0, code.index);
      }
      output.push(out.replace(/\s+$/, ''));
    }
    commands.push({ line: start, command, output, exit });
  }
  return { commands, errors };
};
