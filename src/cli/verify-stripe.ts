import {
  ClickTrailError,
  type Conversion,
  conversionFromStripe,
  DEFAULT_TOLERANCE_SECONDS,
  type StripeEvent,
  StripeSignatureError,
  verifyStripeEvent,
} from 'clicktrail/server';
import { type CommandSpec, type ParsedArgs, UsageError, wholeNumber } from './args';
import { EXIT, type Io } from './io';

/** `clicktrail verify-stripe`: its usage, help and options. */
export const VERIFY_STRIPE: CommandSpec = {
  name: 'verify-stripe',
  args: "--secret whsec_… --header 't=…,v1=…' < body.json",
  summary: 'check a captured Stripe webhook',
  description: `Checks a captured Stripe webhook the way the server does: HMAC-SHA256 over "t.body" with the endpoint's
signing secret, any v1 signature may match, the timestamp within the tolerance. Says why when it does not.
The body is read from standard input byte for byte: save the raw request body, not re-formatted JSON.`,
  options: {
    secret: {
      type: 'string',
      value: 'whsec_…',
      help: "the endpoint's signing secret (default: $STRIPE_WEBHOOK_SECRET)",
    },
    header: { type: 'string', value: 'VALUE', help: 'the Stripe-Signature header as received' },
    tolerance: {
      type: 'string',
      value: 'SECONDS',
      help: 'how old the timestamp may be; 0 ignores the age of a captured event',
      default: DEFAULT_TOLERANCE_SECONDS,
    },
  },
  footer: 'Exit codes: 0 verifies, 1 does not verify, 2 usage error.',
};

// Bytes an editor or `echo` may add at the end of a saved body: space, tab, LF, CR.
const WHITESPACE = [0x20, 0x09, 0x0a, 0x0d];

/** True when the body verifies with the given tolerance; never throws. */
const verifies = (
  body: Uint8Array,
  header: string,
  secret: string,
  toleranceSeconds: number,
): Promise<boolean> =>
  verifyStripeEvent(body, header, secret, { toleranceSeconds }).then(
    () => true,
    () => false,
  );

/** Extra hints for a refused webhook, found by trying the usual mistakes (the message already names the causes). */
const hints = async (error: unknown, body: Uint8Array, header: string, secret: string): Promise<string[]> => {
  const out: string[] = [];
  if (!(error instanceof StripeSignatureError)) return out;
  if (error.code === 'timestamp') {
    out.push('The signature itself matches: for a captured event, --tolerance 0 checks the signature alone.');
  }
  if (error.code === 'no_match') {
    let end = body.length;
    while (end > 0 && WHITESPACE.includes(body[end - 1] as number)) end--;
    if (end < body.length && (await verifies(body.subarray(0, end), header, secret, 0))) {
      out.push(
        'It verifies without the trailing newline: the file gained one when it was saved (printf, not echo).',
      );
    }
    if (!secret.startsWith('whsec_'))
      out.push("A webhook signing secret starts with 'whsec_' (an API key sk_… is not it).");
  }
  return out;
};

/** The conversion an event stands for, or null; a signed body that is JSON but not an event is simply not one. */
const conversionOf = (event: StripeEvent): Conversion | null => {
  try {
    return conversionFromStripe(event);
  } catch {
    return null;
  }
};

/** `clicktrail verify-stripe --secret … --header … < body.json`: says whether a captured webhook verifies, and why not. */
export const verifyStripe = async ({ options, positionals }: ParsedArgs, io: Io): Promise<number> => {
  if (positionals.length)
    throw new UsageError(`unexpected argument '${positionals[0]}' (the body is read from stdin)`);
  const secret = typeof options.secret === 'string' ? options.secret : io.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new UsageError('missing --secret whsec_… (or STRIPE_WEBHOOK_SECRET)');
  if (typeof options.header !== 'string')
    throw new UsageError("missing --header 't=…,v1=…' (the Stripe-Signature header)");
  const toleranceSeconds = wholeNumber(options.tolerance, 'tolerance', DEFAULT_TOLERANCE_SECONDS);
  const body = await io.readStdin();
  if (!body.length)
    throw new UsageError('standard input is empty: pipe the raw webhook body (… < body.json)');

  let event: StripeEvent;
  try {
    event = await verifyStripeEvent(body, options.header, secret, { toleranceSeconds });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = error instanceof ClickTrailError ? ` [${error.code}]` : '';
    io.err(`does not verify${code}: ${message}`);
    for (const hint of await hints(error, body, options.header, secret)) io.err(`hint: ${hint}`);
    return EXIT.failed;
  }
  io.out(
    `verifies: ${event.id} ${event.type}${typeof event.created === 'number' ? ` (created ${new Date(event.created * 1000).toISOString()})` : ''}`,
  );
  const conversion = conversionOf(event);
  if (!conversion) io.out('conversion: none (the webhook handler answers 200 and ignores this event)');
  else {
    const { clickId, transactionId, amount, currency, email } = conversion;
    io.out(
      `conversion: click_id=${clickId} transaction_id=${transactionId} amount=${amount} ${currency}${email ? ` email=${email}` : ''}`,
    );
  }
  return EXIT.ok;
};
