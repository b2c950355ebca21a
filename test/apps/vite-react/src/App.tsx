import { useClickTrail } from 'clicktrail/react';
import { useState } from 'react';

/** A pricing view that appears after a click (as SPA routes do): its Stripe link is decorated when inserted. */
function Pricing() {
  return (
    <a id="buy" href="https://buy.stripe.com/test_00000000000000">
      Buy
    </a>
  );
}

export function App() {
  const { clickId, kept, clicktrail } = useClickTrail();
  const [pricing, setPricing] = useState(false);
  return (
    <main>
      <p id="referral">
        {clickId ? `Referred by click ${clickId} (affiliate ${kept.affid ?? '?'})` : 'No referral'}
      </p>
      <button id="show-pricing" type="button" onClick={() => setPricing(true)}>
        Pricing
      </button>
      {pricing && <Pricing />}
      <button id="forget" type="button" onClick={() => clicktrail?.clear()}>
        Forget me
      </button>
    </main>
  );
}
