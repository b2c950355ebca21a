import {
  buildPostbackUrl,
  DEFAULT_SEND_OPTIONS,
  type MissingMode,
  MissingParamsError,
  postbackRequest,
  renderPostbackDetailed,
  sendPostback,
  TemplateError,
  templatePlaceholders,
} from 'clicktrail/server';
import { type CommandSpec, list, type ParsedArgs, parsePairs, UsageError, wholeNumber } from './args';
import { EXIT, type Io } from './io';

const MODES: readonly MissingMode[] = ['empty', 'keep', 'error'];

/** `clicktrail postback`: its usage, help and options. Defaults are the library's (renderPostback, sendPostback). */
export const POSTBACK: CommandSpec = {
  name: 'postback',
  args: '<template-or-base> key=value … [options]',
  summary: 'print (or send) a postback URL',
  description: `Prints the final postback URL. A template with placeholders in any dialect ({x} \${x} #x# [x] !!!x!!! {{x}},
also URL-encoded like %7Bx%7D) is rendered with the values; a URL without placeholders is a base URL and
the values are appended as query parameters. Every value is percent-encoded exactly once (RFC 3986).`,
  options: {
    required: { type: 'string', value: 'a,b', help: 'keys that must have a value (default: none)' },
    missing: {
      type: 'string',
      value: 'MODE',
      help: 'a placeholder with no value: empty (reported on stderr), keep (reported), error (exit 1)',
      default: 'empty',
    },
    method: { type: 'string', value: 'GET|POST', help: 'how --send delivers it', default: 'GET' },
    body: { type: 'string', value: 'form|json', help: 'the body of a POST', default: 'form' },
    send: { type: 'boolean', help: 'deliver it, then print the status and the number of attempts' },
    timeout: {
      type: 'string',
      value: 'MS',
      help: 'per-attempt timeout for --send',
      default: DEFAULT_SEND_OPTIONS.timeoutMs,
    },
    retries: {
      type: 'string',
      value: 'N',
      help: 'retries after the first attempt for --send',
      default: DEFAULT_SEND_OPTIONS.retries,
    },
  },
  footer: `Examples:
  clicktrail postback https://t.example/postback click_id=abc campaign_id=1 amount=150 \\
    email=john@example.com --required click_id,campaign_id,amount
  clicktrail postback 'https://t.example/pb?cid={affS1}&sum={payout}&src=shop' affS1=abc payout=49.90
  clicktrail postback 'http://127.0.0.1:9000/pb?cid={click_id}' click_id=abc --send --timeout 2000`,
};

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
  const names = templatePlaceholders(input);
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

/** One of a fixed set of values, or a UsageError naming them. */
const oneOf = <T extends string>(value: string, allowed: readonly T[], name: string): T => {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${value}'`);
};

/** `clicktrail postback <template-or-base> key=value …`: prints the final URL; with --send, delivers it. */
export const postback = async ({ options, positionals }: ParsedArgs, io: Io): Promise<number> => {
  const [input, ...pairs] = positionals;
  if (!input) throw new UsageError('missing the template or base URL');
  if (!/^https?:\/\//i.test(input)) throw new UsageError(`'${input}' is not an http(s) URL`);
  const method = oneOf(String(options.method ?? 'GET').toUpperCase(), ['GET', 'POST'], 'method');
  const missing = oneOf(String(options.missing ?? 'empty'), MODES, 'missing');
  const body = oneOf(String(options.body ?? 'form'), ['form', 'json'], 'body');
  const timeoutMs = wholeNumber(options.timeout, 'timeout', DEFAULT_SEND_OPTIONS.timeoutMs);
  const retries = wholeNumber(options.retries, 'retries', DEFAULT_SEND_OPTIONS.retries);
  // The library's own bounds (sendPostback refuses anything else), said as a usage error.
  if (timeoutMs < 1 || timeoutMs > 2_147_483_647)
    throw new UsageError(`--timeout must be from 1 to 2147483647 ms, got '${options.timeout}'`);
  if (retries > 100) throw new UsageError(`--retries must be at most 100, got '${options.retries}'`);

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

  const result = await sendPostback(postbackRequest(url, { method, body }), { timeoutMs, retries });
  if (method === 'POST') io.out(`method: POST (${body} body)`);
  io.out(`status: ${result.status ?? 'none'}`);
  io.out(`attempts: ${result.attempts}`);
  if (result.ok) return EXIT.ok;
  io.err(
    `clicktrail postback: not delivered after ${result.attempts} attempt(s): ${result.error ?? 'failed'}`,
  );
  return EXIT.failed;
};
