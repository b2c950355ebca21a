import { MissingParamsError, TemplateError } from '../server/errors';
import { buildPostbackUrl, toRequest } from '../server/postback';
import { sendPostback } from '../server/send';
import { type MissingMode, renderPostbackDetailed } from '../server/template';
import { list, parseArgs, parsePairs, UsageError } from './args';
import { POSTBACK_HELP } from './help';
import { EXIT, type Io } from './io';

const MODES: readonly MissingMode[] = ['empty', 'keep', 'error'];

/** A non-negative integer option, or the default when absent. */
const count = (value: string | boolean | undefined, name: string, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    throw new UsageError(`--${name} must be a whole number, got '${value}'`);
  return Number(value);
};

/** The placeholder names a template uses (each once), found by rendering it with no values. */
export const placeholdersOf = (template: string): string[] =>
  renderPostbackDetailed(template, {}, { missing: 'keep' }).missing;

/**
 * The final URL for the CLI's input: a template when it has placeholders (missing ones per `missing`), else a base
 * URL the values are appended to. Throws the server module's typed errors; `warn` gets what deserves a note.
 */
export const finalUrl = (
  input: string,
  values: Record<string, string>,
  options: { required: string[]; missing: MissingMode },
  warn: (line: string) => void,
): string => {
  const names = placeholdersOf(input);
  if (!names.length) return buildPostbackUrl(input, values, { required: options.required });
  const absent = options.required.filter((k) => !values[k]);
  if (absent.length) throw new MissingParamsError(absent);
  const { url, missing } = renderPostbackDetailed(input, values, { missing: options.missing });
  if (missing.length) {
    warn(
      `warning: no value for placeholder(s) ${missing.join(', ')}: ${options.missing === 'keep' ? 'kept as written' : 'left empty'}`,
    );
  }
  // Placeholders forgive case ({CLICKID} takes clickid=…), so unused values are compared the same way.
  const used = new Set(names.map((n) => n.toLowerCase()));
  const unused = Object.keys(values).filter((k) => !used.has(k.toLowerCase()));
  if (unused.length) warn(`warning: the template has no placeholder for ${unused.join(', ')}`);
  return url;
};

/** `clicktrail postback <template-or-base> key=value …`: prints the final URL; with --send, delivers it. */
export const postback = async (argv: string[], io: Io): Promise<number> => {
  const { options, positionals } = parseArgs(argv, {
    required: 'string',
    method: 'string',
    send: 'boolean',
    timeout: 'string',
    retries: 'string',
    missing: 'string',
    body: 'string',
  });
  if (options.help) {
    io.out(POSTBACK_HELP);
    return EXIT.ok;
  }
  const [input, ...pairs] = positionals;
  if (!input) throw new UsageError('missing the template or base URL');
  if (!/^https?:\/\//i.test(input)) throw new UsageError(`'${input}' is not an http(s) URL`);
  const method = String(options.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    throw new UsageError(`--method must be GET or POST, got '${options.method}'`);
  const missing = (options.missing ?? 'error') as MissingMode;
  if (!MODES.includes(missing))
    throw new UsageError(`--missing must be one of ${MODES.join(', ')}, got '${missing}'`);
  const body = options.body ?? 'form';
  if (body !== 'form' && body !== 'json') throw new UsageError(`--body must be form or json, got '${body}'`);
  const timeoutMs = count(options.timeout, 'timeout', 10_000);
  const retries = count(options.retries, 'retries', 2);

  const values = parsePairs(pairs);
  let url: string;
  try {
    url = finalUrl(input, values, { required: list(options.required), missing }, io.err);
  } catch (error) {
    // The server's message speaks to code ({ missing: … }); here the fix is a key=value or a flag.
    const message =
      error instanceof TemplateError
        ? `no value for placeholder(s) ${error.placeholders.join(', ')}: pass ${error.placeholders.map((p) => `${p}=…`).join(' ')}, or --missing empty|keep`
        : error instanceof Error
          ? error.message
          : String(error);
    io.err(`clicktrail postback: ${message}`);
    return EXIT.failed;
  }
  io.out(url);
  if (!options.send) return EXIT.ok;

  const result = await sendPostback(toRequest(url, { method, body }), { timeoutMs, retries });
  if (method === 'POST') io.out(`method: POST (${body} body)`);
  io.out(`status: ${result.status ?? 'none'}`);
  io.out(`attempts: ${result.attempts}`);
  if (result.ok) return EXIT.ok;
  io.err(
    `clicktrail postback: not delivered after ${result.attempts} attempt(s): ${result.error ?? 'failed'}`,
  );
  return EXIT.failed;
};
