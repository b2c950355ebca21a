import { ClickTrailError, StripeSignatureError } from '../server/errors';
import { conversionFromStripe, verifyStripeEvent } from '../server/stripe';
import { parseArgs, UsageError } from './args';
import { VERIFY_HELP } from './help';
import { EXIT, type Io } from './io';

// Bytes an editor or `echo` may add at the end of a saved body: space, tab, LF, CR.
const WHITESPACE = [0x20, 0x09, 0x0a, 0x0d];

/** True when the body verifies with the given tolerance; never throws. */
const verifies = async (
  body: Uint8Array,
  header: string,
  secret: string,
  toleranceSeconds: number,
): Promise<boolean> => {
  try {
    await verifyStripeEvent(body, header, secret, { toleranceSeconds });
    return true;
  } catch {
    return false;
  }
};

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

/** `clicktrail verify-stripe --secret … --header … < body.json`: says whether a captured webhook verifies, and why not. */
export const verifyStripe = async (argv: string[], io: Io): Promise<number> => {
  const { options, positionals } = parseArgs(argv, {
    secret: 'string',
    header: 'string',
    tolerance: 'string',
  });
  if (options.help) {
    io.out(VERIFY_HELP);
    return EXIT.ok;
  }
  if (positionals.length)
    throw new UsageError(`unexpected argument '${positionals[0]}' (the body is read from stdin)`);
  const secret = typeof options.secret === 'string' ? options.secret : io.env.STRIPE_WEBHOOK_SECRET;
  if (!secret) throw new UsageError('missing --secret whsec_… (or STRIPE_WEBHOOK_SECRET)');
  if (typeof options.header !== 'string')
    throw new UsageError("missing --header 't=…,v1=…' (the Stripe-Signature header)");
  const tolerance = options.tolerance ?? '300';
  if (typeof tolerance !== 'string' || !/^\d+$/.test(tolerance)) {
    throw new UsageError(`--tolerance must be a number of seconds, got '${tolerance}'`);
  }
  const body = await io.readStdin();
  if (!body.length)
    throw new UsageError('standard input is empty: pipe the raw webhook body (… < body.json)');

  let event: Awaited<ReturnType<typeof verifyStripeEvent>>;
  try {
    event = await verifyStripeEvent(body, options.header, secret, { toleranceSeconds: Number(tolerance) });
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
  let conversion: ReturnType<typeof conversionFromStripe> = null;
  try {
    conversion = conversionFromStripe(event);
  } catch {
    // A signed body that is JSON but not an event object: verified, and simply not a conversion.
  }
  if (!conversion) io.out('conversion: none (the webhook handler answers 200 and ignores this event)');
  else {
    const { clickId, transactionId, amount, currency, email } = conversion;
    io.out(
      `conversion: click_id=${clickId} transaction_id=${transactionId} amount=${amount} ${currency}${email ? ` email=${email}` : ''}`,
    );
  }
  return EXIT.ok;
};
