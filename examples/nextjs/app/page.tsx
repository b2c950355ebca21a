import { Referral } from './referral';

export default function Pricing() {
  return (
    <main>
      <h1>Pricing</h1>
      {/* A Stripe Payment Link: clicktrail adds client_reference_id=<click id> in the browser. */}
      <a id="buy" href="https://buy.stripe.com/test_5kA00000000000">
        Buy Pro
      </a>
      <Referral />
    </main>
  );
}
