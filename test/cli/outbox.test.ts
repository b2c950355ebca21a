// `clicktrail log` and `clicktrail replay`, on a real SQLite file and on the test PostgreSQL cluster.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWhen } from '../../src/cli/log';
import { main } from '../../src/cli/main';
import { postgresOutbox } from '../../src/server/outbox/postgres';
import type { OutboxStore } from '../../src/server/outbox/row';
import { sqliteOutbox } from '../../src/server/outbox/sqlite';
import { openRaw } from '../server/outbox/fixtures/raw-sqlite';
import { newRow } from '../server/outbox/suite';
import { freshDatabase, postgresSkip } from '../setup/postgres-context';
import { fakeIo } from './fake-io';

const dir = mkdtempSync(join(tmpdir(), 'clicktrail-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three postbacks: one delivered, one failed (404), one pending; returns their ids. */
const fill = async (store: OutboxStore) => {
  const now = Date.now();
  const [d, f, p] = await store.enqueue(
    [
      newRow({ rule: 'trackdesk', clickId: 'alice', transactionId: 'cs_cli_1' }),
      newRow({
        rule: 'tracknow',
        clickId: 'bob',
        transactionId: 'cs_cli_2',
        url: 'https://t.example/pb?c=bob&token=***',
      }),
      newRow({ rule: 'trackdesk', clickId: 'carol', transactionId: 'cs_cli_3' }),
    ],
    now,
  );
  const ids = { delivered: d?.row.id as number, failed: f?.row.id as number, pending: p?.row.id as number };
  await store.claim({ owner: 'w', now, leaseMs: 1000, limit: 2, rules: ['trackdesk', 'tracknow'] });
  const attempt = (status: 'delivered' | 'failed', rowId: number, httpStatus: number, url: string) => ({
    rowId,
    owner: 'w',
    status,
    url,
    attempt: {
      attempt: 1,
      startedAt: now,
      durationMs: 9,
      url,
      outcome: status,
      httpStatus,
      ...(status === 'failed' ? { error: 'HTTP 404' } : {}),
    },
  });
  await store.finish(
    [
      attempt('delivered', ids.delivered, 200, d?.row.url as string),
      attempt('failed', ids.failed, 404, f?.row.url as string),
    ],
    now,
  );
  return ids;
};

const engines: { name: string; skip?: string; make: () => Promise<{ db: string; store: OutboxStore }> }[] = [
  {
    name: 'sqlite',
    make: async () => {
      const db = join(dir, `cli-${Math.random().toString(36).slice(2)}.db`);
      return { db, store: sqliteOutbox({ path: db }) };
    },
  },
  {
    name: 'postgres',
    ...(postgresSkip ? { skip: postgresSkip } : {}),
    make: async () => {
      const db = await freshDatabase('cli');
      return { db, store: postgresOutbox({ connectionString: db }) };
    },
  },
];

for (const engine of engines)
  describe.skipIf(!!engine.skip)(
    `clicktrail log / replay on ${engine.name}${engine.skip ? ` (SKIPPED: ${engine.skip})` : ''}`,
    () => {
      let db: string;
      let store: OutboxStore;
      let ids: Awaited<ReturnType<typeof fill>>;
      beforeAll(async () => {
        ({ db, store } = await engine.make());
        ids = await fill(store);
      });
      afterAll(() => store.close());

      it('log prints a table, newest first, with a status summary', async () => {
        const f = fakeIo();
        expect(await main(['log', '--db', db], f.io)).toBe(0);
        const lines = f.stdout().split('\n');
        expect(lines[0]).toMatch(
          /^ID\s+CREATED\s+RULE\s+STATUS\s+TRIES\s+HTTP\s+CLICK ID\s+URL\s+LAST ERROR$/,
        );
        expect(lines[1]).toMatch(new RegExp(`^${ids.pending}\\s.*trackdesk\\s+pending\\s+0\\s+carol`));
        expect(lines[2]).toMatch(
          new RegExp(
            `^${ids.failed}\\s.*tracknow\\s+failed\\s+1\\s+404\\s+bob\\s+https://t.example/pb\\?c=bob&token=\\*\\*\\*\\s+HTTP 404$`,
          ),
        );
        expect(lines[3]).toMatch(
          new RegExp(`^${ids.delivered}\\s.*trackdesk\\s+delivered\\s+1\\s+200\\s+alice`),
        );
        expect(f.stdout()).toContain('pending 1 · delivering 0 · delivered 1 · failed 1 · skipped 0');
      });

      it('log filters, pages and prints JSON', async () => {
        const f = fakeIo();
        expect(
          await main(['log', '--db', db, '--status', 'failed,pending', '--rule', 'tracknow', '--json'], f.io),
        ).toBe(0);
        const out = JSON.parse(f.stdout());
        expect(out.rows.map((r: { id: number }) => r.id)).toEqual([ids.failed]);
        expect(out.stats.failed).toBe(1);
        const page = fakeIo();
        expect(await main(['log', '--db', db, '--limit', '2'], page.io)).toBe(0);
        expect(page.stdout()).toContain(`more: --cursor ${ids.failed}`);
        const next = fakeIo();
        expect(
          await main(['log', '--db', db, '--limit', '2', '--cursor', String(ids.failed), '--json'], next.io),
        ).toBe(0);
        expect(JSON.parse(next.stdout()).rows.map((r: { id: number }) => r.id)).toEqual([ids.delivered]);
        const alice = fakeIo();
        await main(['log', '--db', db, '--click-id', 'alice', '--since', '1h', '--json'], alice.io);
        expect(JSON.parse(alice.stdout()).rows).toHaveLength(1);
        const none = fakeIo();
        await main(['log', '--db', db, '--until', '2000-01-01'], none.io);
        expect(none.stdout()).toContain('No postbacks match.');
      });

      it('log --id shows one postback with its attempts', async () => {
        const f = fakeIo();
        expect(await main(['log', '--db', db, '--id', String(ids.failed)], f.io)).toBe(0);
        expect(f.stdout()).toContain('template: https://t.example/pb?c={click_id}&token=***');
        expect(f.stdout()).toMatch(/attempts:\n {2}1\. \S+ \S+ {2}failed {6}404 {2}9 ms {2}HTTP 404/);
        const missing = fakeIo();
        expect(await main(['log', '--db', db, '--id', '999999'], missing.io)).toBe(1);
        expect(missing.stderr()).toContain('no postback 999999');
      });

      it('replay re-queues by id (not pending rows), or every failed one of a rule', async () => {
        const f = fakeIo();
        expect(await main(['replay', String(ids.pending), '--db', db], f.io)).toBe(1);
        expect(f.stderr()).toContain(`not replayed (unknown, or still pending/delivering): ${ids.pending}`);
        const none = fakeIo();
        expect(await main(['replay', '--failed', '--rule', 'trackdesk', '--db', db], none.io)).toBe(0);
        expect(none.stdout()).toBe('no failed postbacks');
        const failed = fakeIo({ env: { CLICKTRAIL_DB: db } });
        expect(await main(['replay', '--failed', '--rule', 'tracknow'], failed.io)).toBe(0);
        expect(failed.stdout()).toBe(`queued again: 1 (${ids.failed})`);
        expect(await store.get(ids.failed)).toMatchObject({ status: 'pending', replays: 1 });
        const again = fakeIo();
        expect(await main(['replay', String(ids.delivered), '--db', db], again.io)).toBe(0);
        expect(again.stdout()).toBe(`queued again: 1 (${ids.delivered})`);
      });
    },
  );

describe('clicktrail log / replay usage', () => {
  it('needs an outbox, and says how to name one', async () => {
    const f = fakeIo();
    expect(await main(['log'], f.io)).toBe(2);
    expect(f.stderr()).toContain(
      'which outbox? pass --db postbacks.db (or a postgres:// URL), or set CLICKTRAIL_DB',
    );
  });

  it('checks its arguments before touching the database', async () => {
    const cases: [string[], RegExp][] = [
      [['replay', '--db', 'x.db'], /give their ids, or --failed/],
      [['replay', '1', '--failed', '--db', 'x.db'], /not both/],
      [['replay', 'abc', '--db', 'x.db'], /ids are whole numbers/],
      [['replay', '1', '--rule', 'r', '--db', 'x.db'], /--rule goes with --failed/],
      [['log', '--db', 'x.db', '--since', 'yesterday-ish'], /--since must be like 30m/],
      [['log', '--db', 'x.db', '--limit', 'ten'], /--limit must be a whole number/],
    ];
    for (const [argv, message] of cases) {
      const f = fakeIo();
      expect(await main(argv, f.io), argv.join(' ')).toBe(2);
      expect(f.stderr()).toMatch(message);
    }
  });

  it('never creates or migrates an outbox: a wrong file, database or --table is reported, not filled', async () => {
    const empty = join(dir, 'not-an-outbox.db');
    openRaw(empty).close();
    const f = fakeIo();
    expect(await main(['log', '--db', empty], f.io)).toBe(1);
    expect(f.stderr()).toMatch(/has no clicktrail outbox with this table prefix/);
    const check = openRaw(empty, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()).toEqual([]);
    check.close();
    const ok = join(dir, 'prefixed.db');
    await sqliteOutbox({ path: ok, table: 'shop' }).open();
    const wrong = fakeIo();
    expect(await main(['replay', '--failed', '--db', ok], wrong.io)).toBe(1);
    expect(wrong.stderr()).toMatch(/no clicktrail outbox with this table prefix/);
    const right = fakeIo();
    expect(await main(['replay', '--failed', '--db', ok, '--table', 'shop'], right.io)).toBe(0);
  });

  it('reports an outbox it cannot open as a failure with the reason, and a bad filter likewise', async () => {
    const f = fakeIo();
    expect(await main(['log', '--db', join(dir, 'nope', 'x.db')], f.io)).toBe(1);
    expect(f.stderr()).toMatch(/no outbox at .*nope.*the file does not exist/);
    const ok = join(dir, 'ok.db');
    await sqliteOutbox({ path: ok }).open();
    const bad = fakeIo();
    expect(await main(['log', '--db', ok, '--status', 'sent'], bad.io)).toBe(1);
    expect(bad.stderr()).toContain("Unknown status 'sent'");
  });

  it('prints no terminal control sequence a click id, a URL or an error carries', async () => {
    const path = join(dir, 'hostile.db');
    const store = sqliteOutbox({ path });
    // From Stripe metadata or a tracker: an OSC that retitles the window, a CSI that clears the screen, a bidi
    // override that reverses what follows.
    const hostile = 'c\u001b]0;pwned\u0007\u001b[2J\u202eevil';
    const [r] = await store.enqueue(
      [
        newRow({
          clickId: hostile,
          url: `https://t.example/?c=${hostile}`,
          template: `https://t/${hostile}`,
        }),
      ],
      Date.now(),
    );
    const id = r?.row.id as number;
    await store.claim({ owner: 'w', now: Date.now(), leaseMs: 1000, limit: 1, rules: ['r1'] });
    await store.finish(
      [
        {
          rowId: id,
          owner: 'w',
          status: 'failed',
          url: `https://t.example/?c=${hostile}`,
          attempt: {
            attempt: 1,
            startedAt: Date.now(),
            durationMs: 1,
            url: 'u',
            outcome: 'failed',
            error: hostile,
          },
        },
      ],
      Date.now(),
    );
    await store.close();
    for (const argv of [['log'], ['log', '--id', String(id)]]) {
      const f = fakeIo();
      expect(await main([...argv, '--db', path], f.io)).toBe(0);
      expect(f.stdout()).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(f.stdout()).toContain('c\\u001b]0;pwned\\u0007\\u001b[2J\\u202eevil');
    }
    // JSON escapes them itself, and keeps the value whole.
    const json = fakeIo();
    await main(['log', '--db', path, '--json'], json.io);
    expect(JSON.parse(json.stdout()).rows[0].clickId).toBe(hostile);
  });

  it('parseWhen reads durations ago and dates', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(parseWhen('90s', 'since', now)).toBe(now - 90_000);
    expect(parseWhen('2h', 'since', now)).toBe(now - 7_200_000);
    expect(parseWhen('7d', 'since', now)).toBe(now - 7 * 86_400_000);
    expect(parseWhen('2026-01-01T00:00:00Z', 'since', now)).toBe(Date.UTC(2026, 0, 1));
  });
});
