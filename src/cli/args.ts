/** A command line the user got wrong: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Which options a command takes: a string option takes a value, a boolean one does not. */
export type OptionSpec = Record<string, 'string' | 'boolean'>;

/** The parsed command line: option values by long name, and everything else in order. */
export interface ParsedArgs {
  options: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `--name value`, `--name=value`, boolean `--flag`, `-h` and a `--` terminator by hand,
 * so the CLI has no dependency. Unknown options and missing values throw a UsageError.
 */
export const parseArgs = (argv: readonly string[], spec: OptionSpec): ParsedArgs => {
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h') {
      options.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg.length === 2) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = name === 'help' ? 'boolean' : spec[name];
    if (!kind) throw new UsageError(`unknown option --${name}`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    options[name] = value;
  }
  return { options, positionals };
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
