import type { OutboxQuery, OutboxRow, OutboxStatus } from 'clicktrail/server';
import { type CommandSpec, list, type ParsedArgs, UsageError, wholeNumber } from './args';
import { EXIT, type Io } from './io';
import { OUTBOX_OPTIONS, openOutbox } from './outbox';

/** `clicktrail log`: its usage, help and options. */
export const LOG: CommandSpec = {
  name: 'log',
  args: '[--db FILE|URL] [filters] [--json]',
  summary: 'show the postback log (the outbox)',
  description: `Shows the postbacks in the outbox, newest first: when, which rule, the status (pending, delivering,
delivered, failed, skipped), attempts, the last HTTP status, the click id, the final URL (secrets shown as ***)
and the last error. --id shows one postback with every attempt.`,
  options: {
    ...OUTBOX_OPTIONS,
    status: { type: 'string', value: 'a,b', help: 'only these statuses' },
    rule: { type: 'string', value: 'a,b', help: 'only these rules' },
    'click-id': { type: 'string', value: 'ID', help: 'only this click id' },
    'transaction-id': { type: 'string', value: 'ID', help: 'only this transaction' },
    since: {
      type: 'string',
      value: 'WHEN',
      help: 'created since: 30m, 2h, 7d ago, or a date (2026-11-21T15:00Z)',
    },
    until: { type: 'string', value: 'WHEN', help: 'created before (same forms)' },
    limit: { type: 'string', value: 'N', help: 'rows to show, up to 1000', default: 20 },
    cursor: { type: 'string', value: 'C', help: 'the next page, as printed under the previous one' },
    id: { type: 'string', value: 'N', help: 'one postback, with its attempts' },
    json: { type: 'boolean', help: 'JSON instead of a table' },
  },
  footer: `Examples:
  clicktrail log --db postbacks.db --status failed
  clicktrail log --db "$DATABASE_URL" --rule trackdesk --since 24h --json
  clicktrail log --db postbacks.db --id 42`,
};

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `2h`, `7d` (that long before now) or anything Date.parse reads, as epoch ms. */
export const parseWhen = (value: string, name: string, now: number): number => {
  const ago = /^(\d+)([smhd])$/.exec(value.trim());
  if (ago) return now - Number(ago[1]) * (UNITS[ago[2] as string] as number);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new UsageError(`--${name} must be like 30m, 2h, 7d or a date, got '${value}'`);
  return at;
};

const iso = (ms: number | undefined): string =>
  ms === undefined
    ? ''
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');

// A click id, a transaction id or an error may hold terminal control sequences (ESC [ …, OSC …) or bidi
// overrides: printed raw, they could rewrite the screen, retitle the window or hide what a row says.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text as it may reach a terminal: control and bidi characters shown as `\uXXXX`. */
export const printable = (text: string): string =>
  text.replace(UNSAFE, (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`);

const cut = (text: string, width: number): string => {
  const safe = printable(text);
  return safe.length > width ? `${safe.slice(0, width - 1)}…` : safe;
};

/** The rows as an aligned text table; long URLs and errors are cut (--json has them whole). */
export const logTable = (rows: readonly OutboxRow[]): string => {
  const header = ['ID', 'CREATED', 'RULE', 'STATUS', 'TRIES', 'HTTP', 'CLICK ID', 'URL', 'LAST ERROR'];
  const lines = rows.map((r) => [
    String(r.id),
    iso(r.createdAt),
    cut(r.rule, 16),
    printable(r.status),
    String(r.attempts),
    r.lastHttpStatus === undefined ? '' : String(r.lastHttpStatus),
    cut(r.clickId, 24),
    cut(`${r.method === 'POST' ? 'POST ' : ''}${r.url}`, 72),
    cut(r.lastError ?? '', 48),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  return [header, ...lines]
    .map((cells) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
};

/** `clicktrail log`: prints the outbox, filtered and paged. */
export const log = async (args: ParsedArgs, io: Io): Promise<number> => {
  const { options, positionals } = args;
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const now = Date.now();
  const text = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
  const query: OutboxQuery = { limit: wholeNumber(options.limit, 'limit', 20) };
  if (options.status !== undefined) query.status = list(options.status) as OutboxStatus[];
  if (options.rule !== undefined) query.rule = list(options.rule);
  if (text('click-id') !== undefined) query.clickId = text('click-id') as string;
  if (text('transaction-id') !== undefined) query.transactionId = text('transaction-id') as string;
  if (text('since') !== undefined) query.since = parseWhen(text('since') as string, 'since', now);
  if (text('until') !== undefined) query.until = parseWhen(text('until') as string, 'until', now);
  if (text('cursor') !== undefined) query.cursor = text('cursor') as string;
  const id = options.id === undefined ? undefined : wholeNumber(options.id, 'id', 0);
  const outbox = await openOutbox(args, io);
  try {
    if (id !== undefined) {
      const row = await outbox.get(id);
      if (!row) {
        io.err(`clicktrail log: no postback ${id} in this outbox`);
        return EXIT.failed;
      }
      const attempts = await outbox.attempts(id);
      if (options.json) io.out(JSON.stringify({ row, attempts }, null, 2));
      else {
        io.out(logTable([row]));
        io.out('');
        io.out(`template: ${printable(row.template)}`);
        io.out(`url:      ${row.method} ${printable(row.url)}`);
        if (row.nextAttemptAt !== undefined) io.out(`next:     ${iso(row.nextAttemptAt)}`);
        io.out('');
        io.out(attempts.length ? 'attempts:' : 'no attempts yet');
        for (const a of attempts)
          io.out(
            `  ${a.attempt}. ${iso(a.startedAt)}  ${a.outcome.padEnd(11)} ${a.httpStatus ?? '-'}  ${a.durationMs} ms  ${printable(a.error ?? '')}`.trimEnd(),
          );
      }
      return EXIT.ok;
    }
    const [page, stats] = await Promise.all([outbox.list(query), outbox.stats()]);
    if (options.json) {
      io.out(JSON.stringify({ ...page, stats }, null, 2));
      return EXIT.ok;
    }
    io.out(page.rows.length ? logTable(page.rows) : 'No postbacks match.');
    io.out('');
    io.out(
      `${Object.entries(stats)
        .map(([s, n]) => `${s} ${n}`)
        .join(' · ')}${page.next ? `   more: --cursor ${page.next}` : ''}`,
    );
    return EXIT.ok;
  } finally {
    await outbox.close();
  }
};
