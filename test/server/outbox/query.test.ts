import { describe, expect, it } from 'vitest';
import { normalizeQuery, toPage, whereClause } from '../../../src/server/outbox/query';
import type { OutboxRow } from '../../../src/server/outbox/row';

describe('normalizeQuery', () => {
  it('applies the defaults and accepts one value or a list', () => {
    expect(normalizeQuery()).toEqual({ limit: 50 });
    expect(
      normalizeQuery({
        status: 'failed',
        rule: ['a', 'b'],
        clickId: 'c',
        transactionId: 't',
        since: new Date(1000),
        until: 2000,
        limit: 1000,
        cursor: '42',
      }),
    ).toEqual({
      statuses: ['failed'],
      rules: ['a', 'b'],
      clickId: 'c',
      transactionId: 't',
      since: 1000,
      until: 2000,
      limit: 1000,
      before: 42,
    });
  });

  it('refuses what it cannot mean, naming it', () => {
    expect(() => normalizeQuery({ status: ['failed', 'sent' as never] })).toThrow(/Unknown status 'sent'/);
    expect(() => normalizeQuery({ limit: 1001 })).toThrow(/limit must be an integer from 1 to 1000/);
    expect(() => normalizeQuery({ limit: 2.5 })).toThrow(expect.objectContaining({ code: 'outbox_options' }));
    expect(() => normalizeQuery({ cursor: '-1' })).toThrow(/cursor/);
    expect(() => normalizeQuery({ since: new Date('nope') })).toThrow(/since must be a Date/);
  });
});

describe('whereClause', () => {
  it('binds every value as a parameter, in either placeholder style', () => {
    const q = normalizeQuery({ status: ['failed', 'pending'], rule: "x'; --", since: 5, cursor: '9' });
    expect(whereClause(q, () => '?')).toEqual({
      sql: 'status IN (?, ?) AND rule IN (?) AND created_at >= ? AND id < ?',
      params: ['failed', 'pending', "x'; --", 5, 9],
    });
    expect(whereClause(q, (i) => `$${i}`).sql).toBe(
      'status IN ($1, $2) AND rule IN ($3) AND created_at >= $4 AND id < $5',
    );
    expect(whereClause(normalizeQuery(), () => '?')).toEqual({ sql: 'TRUE', params: [] });
    expect(whereClause(normalizeQuery({ rule: [] }), () => '?').sql).toBe('FALSE');
  });
});

describe('toPage', () => {
  const rows = (ids: number[]) => ids.map((id) => ({ id }) as OutboxRow);
  it('uses the extra row only to know there is a next page', () => {
    expect(toPage(rows([9, 8, 7]), 2)).toEqual({ rows: rows([9, 8]), next: '8' });
    expect(toPage(rows([9, 8]), 2)).toEqual({ rows: rows([9, 8]) });
  });
});
