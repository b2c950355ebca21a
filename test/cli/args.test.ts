import { describe, expect, it } from 'vitest';
import {
  type CommandSpec,
  commandHelp,
  list,
  parseCommand,
  parsePairs,
  UsageError,
  wholeNumber,
} from '../../src/cli/args';
import { DEMO } from '../../src/cli/demo';
import { LOG } from '../../src/cli/log';
import { POSTBACK } from '../../src/cli/postback';
import { REPLAY } from '../../src/cli/replay';
import { VERIFY_STRIPE } from '../../src/cli/verify-stripe';

const spec: CommandSpec = {
  name: 'try',
  args: '<thing>',
  summary: 'a test command',
  description: 'Tries.',
  options: {
    required: { type: 'string', value: 'a,b', help: 'keys' },
    send: { type: 'boolean', help: 'send it' },
    retries: { type: 'string', value: 'N', help: 'retries', default: 3 },
  },
};

describe('parseCommand', () => {
  it('reads --name value, --name=value, boolean flags and positionals in order', () => {
    expect(parseCommand(['a', '--required', 'x,y', 'b=1', '--send', 'c'], spec)).toEqual({
      options: { required: 'x,y', send: true },
      positionals: ['a', 'b=1', 'c'],
    });
    expect(parseCommand(['--required=k=v'], spec).options.required).toBe('k=v');
  });

  it('treats -h and --help as help, and everything after -- as positionals', () => {
    expect(parseCommand(['-h'], spec).options.help).toBe(true);
    expect(parseCommand(['--help'], spec).options.help).toBe(true);
    expect(parseCommand(['--', '--send', '-h'], spec)).toEqual({
      options: {},
      positionals: ['--send', '-h'],
    });
  });

  it('refuses unknown options, missing values and values on flags, as usage errors', () => {
    expect(() => parseCommand(['--nope'], spec)).toThrow(new UsageError('unknown option --nope'));
    expect(() => parseCommand(['--required'], spec)).toThrow(new UsageError('--required needs a value'));
    expect(() => parseCommand(['--send=yes'], spec)).toThrow(new UsageError('--send takes no value'));
  });
});

describe('commandHelp', () => {
  it('lists every option of the table with its value, help and default, then -h', () => {
    expect(commandHelp(spec)).toBe(
      [
        'Usage: clicktrail try <thing>',
        '',
        'Tries.',
        '',
        'Options:',
        '  --required a,b  keys',
        '  --send          send it',
        '  --retries N     retries (default 3)',
        '  -h, --help      this help',
      ].join('\n'),
    );
  });

  // The help and the parser read the same table: every option the help shows parses, and every option the
  // parser takes is in the help.
  for (const command of [POSTBACK, VERIFY_STRIPE, LOG, REPLAY, DEMO]) {
    it(`${command.name}: its help shows exactly the options its parser accepts`, () => {
      const shown = [...commandHelp(command).matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
      expect(shown).toEqual([...Object.keys(command.options), 'help']);
      for (const [name, option] of Object.entries(command.options)) {
        const argv = option.type === 'string' ? [`--${name}`, 'x'] : [`--${name}`];
        expect(parseCommand(argv, command).options[name]).toBe(option.type === 'string' ? 'x' : true);
      }
      expect(() => parseCommand(['--not-an-option'], command)).toThrow(UsageError);
    });
  }
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

describe('list / wholeNumber', () => {
  it('splits a comma list and drops empty entries', () => {
    expect(list(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(list(undefined)).toEqual([]);
  });

  it('reads a whole number or falls back, and refuses anything else', () => {
    expect(wholeNumber('12', 'n', 3)).toBe(12);
    expect(wholeNumber(undefined, 'n', 3)).toBe(3);
    for (const bad of ['-1', '1.5', 'soon', ''])
      expect(() => wholeNumber(bad, 'n', 3)).toThrow(
        new UsageError(`--n must be a whole number, got '${bad}'`),
      );
  });
});
