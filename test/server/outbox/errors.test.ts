import { describe, expect, it } from 'vitest';
import { causeText, OutboxError } from '../../../src/server/outbox/errors';

describe('causeText', () => {
  it('never repeats a connection string password a driver quotes', () => {
    for (const [message, expected] of [
      [
        'connect to postgres://me:hunter2@db.example/shop failed.',
        'connect to postgres://me:***@db.example/shop failed',
      ],
      [
        'postgresql://app:s3cr%40t@10.0.0.1:5432/db?sslmode=require',
        'postgresql://app:***@10.0.0.1:5432/db?sslmode=require',
      ],
      // An unencoded @ in the password: everything up to the last @ is hidden, not just the part before the first.
      ['bad URL POSTGRES://me:hun@ter2@host/db', 'bad URL POSTGRES://me:***@host/db'],
      ['no password postgres://me@host/db', 'no password postgres://me@host/db'],
    ])
      expect(causeText(new Error(message))).toBe(expected);
    expect(causeText('plain text.  ')).toBe('plain text');
  });

  it('an OutboxError keeps its code, its message and the driver error as cause', () => {
    const cause = new Error('x');
    const e = new OutboxError('outbox_query', 'failed', { cause });
    expect([e.code, e.message, e.cause]).toEqual(['outbox_query', 'failed', cause]);
  });
});
