import { describe, expect, it } from 'vitest';
import { list, parseArgs, parsePairs, UsageError } from '../../src/cli/args';

describe('parseArgs', () => {
  const spec = { required: 'string', send: 'boolean' } as const;

  it('reads --name value, --name=value, boolean flags and positionals in order', () => {
    expect(parseArgs(['a', '--required', 'x,y', 'b=1', '--send', 'c'], spec)).toEqual({
      options: { required: 'x,y', send: true },
      positionals: ['a', 'b=1', 'c'],
    });
    expect(parseArgs(['--required=k=v'], spec).options.required).toBe('k=v');
  });

  it('treats -h and --help as help, and everything after -- as positionals', () => {
    expect(parseArgs(['-h'], spec).options.help).toBe(true);
    expect(parseArgs(['--help'], spec).options.help).toBe(true);
    expect(parseArgs(['--', '--send', '-h'], spec)).toEqual({ options: {}, positionals: ['--send', '-h'] });
  });

  it('refuses unknown options, missing values and values on flags', () => {
    expect(() => parseArgs(['--nope'], spec)).toThrow(new UsageError('unknown option --nope'));
    expect(() => parseArgs(['--required'], spec)).toThrow(/--required needs a value/);
    expect(() => parseArgs(['--send=yes'], spec)).toThrow(/--send takes no value/);
  });
});

describe('parsePairs', () => {
  it('splits at the first = so values keep theirs', () => {
    expect(parsePairs(['a=1', 'url=https://x.example/?q=1&r=2', 'empty='])).toEqual({
      a: '1',
      url: 'https://x.example/?q=1&r=2',
      empty: '',
    });
  });

  it('refuses an argument without a key', () => {
    expect(() => parsePairs(['=1'])).toThrow(UsageError);
    expect(() => parsePairs(['novalue'])).toThrow(/expected key=value, got 'novalue'/);
  });
});

describe('list', () => {
  it('splits a comma list and drops empty entries', () => {
    expect(list(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(list(undefined)).toEqual([]);
  });
});
