import { parseArgs } from 'node:util';

/** A command line the user got wrong: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One option of a command: what the parser accepts and what the help says about it, in one place. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  /** A one-letter alias (`-h`). */
  short?: string;
  /** How the value is shown in the help: `MS`, `a,b`. */
  value?: string;
  /** One line for the help. */
  help: string;
  /** Shown as `(default …)`; the command applies it. */
  default?: string | number;
}

/** A command: its usage, its help text and its options. */
export interface CommandSpec {
  name: string;
  /** What follows `clicktrail <name>` in the usage line. */
  args: string;
  /** One line for `clicktrail --help`. */
  summary: string;
  /** The paragraph under the usage line. */
  description: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Examples, exit codes: printed after the options. */
  footer?: string;
}

/** What every command accepts besides its own options. */
export const HELP_OPTION: OptionSpec = { type: 'boolean', short: 'h', help: 'this help' };

/** The parsed command line: option values by long name, and everything else in order. */
export interface ParsedArgs {
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Node's parseArgs errors, said the way the rest of the CLI speaks. */
const usageMessage = (error: { code?: string; message: string }): string => {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return /argument missing/.test(error.message) ? `${option} needs a value` : `${option} takes no value`;
  return error.message;
};

/**
 * Parses a command's arguments with node:util parseArgs (strict: unknown options and missing values are
 * UsageErrors) against the command's option table plus `-h`/`--help`; `--` ends the options.
 */
export const parseCommand = (argv: readonly string[], spec: CommandSpec): ParsedArgs => {
  const options = Object.fromEntries(
    Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: true,
    });
    return { options: values as ParsedArgs['options'], positionals };
  } catch (error) {
    throw new UsageError(usageMessage(error as { code?: string; message: string }));
  }
};

/** The `--help` text of a command, generated from the same table the parser reads. */
export const commandHelp = (spec: CommandSpec): string => {
  const rows = Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
    const text = o.default === undefined ? o.help : `${o.help} (default ${o.default})`;
    return [flag, text] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return [
    `Usage: clicktrail ${spec.name} ${spec.args}`,
    '',
    spec.description,
    '',
    'Options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
    ...(spec.footer ? ['', spec.footer] : []),
  ].join('\n');
};

/** Splits `key=value` arguments at the first `=` (values may contain more); an empty key is a usage error. */
export const parsePairs = (args: readonly string[]): Record<string, string> => {
  const values: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new UsageError(`expected key=value, got '${arg}'`);
    values[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return values;
};

/** A comma-separated option as a list, without empty entries. */
export const list = (value: string | boolean | undefined): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];

/** A non-negative whole-number option, or the fallback when absent. */
export const wholeNumber = (value: string | boolean | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return Number(value);
};
