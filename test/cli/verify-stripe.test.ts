import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { fakeIo } from './fake-io';

const stripe = new Stripe('sk_test_cli');
const secret = 'whsec_cli_test_secret';
const payload = JSON.stringify(
  {
    id: 'evt_cli_1',
    object: 'event',
    type: 'checkout.session.completed',
    created: 1_790_000_000,
    data: {
      object: {
        id: 'cs_test_cli',
        object: 'checkout.session',
        amount_total: 150000,
        currency: 'jpy',
        client_reference_id: 'ct64_w6lsw6lwaGU',
        payment_status: 'paid',
        customer_details: { email: 'jo@example.com' },
      },
    },
  },
  null,
  2,
);
const now = () => Math.floor(Date.now() / 1000);
const header = (body = payload, timestamp = now(), key = secret) =>
  stripe.webhooks.generateTestHeaderString({ payload: body, secret: key, timestamp });

const run = async (stdin: string, argv: string[], env: Record<string, string> = {}) => {
  const f = fakeIo({ stdin, env });
  const code = await main(['verify-stripe', ...argv], f.io);
  return { code, stdout: f.stdout(), stderr: f.stderr() };
};

describe('clicktrail verify-stripe', () => {
  it('accepts a body signed by the stripe package and shows the conversion it stands for', async () => {
    const r = await run(payload, ['--secret', secret, '--header', header()]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('verifies: evt_cli_1 checkout.session.completed');
    // ct64_w6lsw6lwaGU is the browser side's encoding of 'éléphe'; JPY has no minor unit.
    expect(r.stdout).toContain(
      'conversion: click_id=éléphe transaction_id=cs_test_cli amount=150000 JPY email=jo@example.com',
    );
  });

  it('reads the secret from STRIPE_WEBHOOK_SECRET when --secret is absent', async () => {
    const r = await run(payload, ['--header', header()], { STRIPE_WEBHOOK_SECRET: secret });
    expect(r.code).toBe(0);
  });

  it('says why a tampered body does not verify, and exits 1', async () => {
    const r = await run(payload.replace('150000', '1'), ['--secret', secret, '--header', header()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^does not verify \[no_match\]: No signature .* matches/);
    expect(r.stderr).toContain('raw body');
  });

  it('spots a trailing newline added when the body was saved', async () => {
    const r = await run(`${payload}\n`, ['--secret', secret, '--header', header()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('hint: It verifies without the trailing newline');
  });

  it('spots a secret that is not a webhook signing secret', async () => {
    const r = await run(payload, ['--secret', 'sk_test_123', '--header', header()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("hint: A webhook signing secret starts with 'whsec_'");
  });

  it('refuses an old timestamp under the default tolerance, and checks the signature alone with --tolerance 0', async () => {
    const old = header(payload, now() - 3600);
    const strict = await run(payload, ['--secret', secret, '--header', old]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('does not verify [timestamp]');
    expect(strict.stderr).toContain('--tolerance 0');
    expect((await run(payload, ['--secret', secret, '--header', old, '--tolerance', '0'])).code).toBe(0);
    expect((await run(payload, ['--secret', secret, '--header', old, '--tolerance', '7200'])).code).toBe(0);
  });

  it('accepts a header carrying the new and the old secret while rotating', async () => {
    const rotated = `${header()},v1=${header(payload, now(), 'whsec_old').split('v1=')[1]}`;
    expect((await run(payload, ['--secret', secret, '--header', rotated])).code).toBe(0);
    expect((await run(payload, ['--secret', 'whsec_old', '--header', rotated])).code).toBe(0);
  });

  it('says when the header is malformed', async () => {
    const r = await run(payload, ['--secret', secret, '--header', 'v1=abc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not verify [header_malformed]');
  });

  it('verifies an event that is not a conversion and says the handler ignores it', async () => {
    const body = JSON.stringify({ id: 'evt_2', type: 'customer.created', data: { object: {} } });
    const r = await run(body, ['--secret', secret, '--header', header(body)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('conversion: none');
  });

  it('treats a missing secret, header or body as a usage error (exit 2)', async () => {
    expect((await run(payload, ['--header', header()])).code).toBe(2);
    expect((await run(payload, ['--secret', secret])).code).toBe(2);
    const empty = await run('', ['--secret', secret, '--header', header()]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('standard input is empty');
    expect((await run(payload, ['--secret', secret, '--header', header(), '--tolerance', '-1'])).code).toBe(
      2,
    );
  });

  it('prints its help', async () => {
    const r = await run('', ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "Usage: clicktrail verify-stripe --secret whsec_… --header 't=…,v1=…' < body.json",
    );
  });
});
