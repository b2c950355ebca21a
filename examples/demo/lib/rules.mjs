// The demo's three postback rules: the shapes affiliate platforms ask merchants to configure.

/**
 * The rules for a tracker at `tracker` (an origin):
 * - `tracknow`: a base URL plus params (Tracknow style), click_id, campaign_id and amount mandatory;
 * - `trackdesk`: a template with `{placeholders}` (Trackdesk style), static params left as written;
 * - `s2s-post`: a `${placeholder}` template sent as POST, its query moved into a form-encoded body.
 */
export const demoRules = (tracker) => [
  {
    id: 'tracknow',
    base: `${tracker}/tracknow/postback`,
    params: {
      click_id: '{click_id}',
      campaign_id: '1',
      order_id: '{transaction_id}',
      amount: '{amount}',
      email: '{email}',
    },
    required: ['click_id', 'campaign_id', 'amount'],
    events: ['sale'],
  },
  {
    id: 'trackdesk',
    url: `${tracker}/trackdesk/postback?clickid={click_id}&amount={payout}&currency={currency}&order={transaction_id}&event={event}&source=shop`,
    required: ['click_id'],
  },
  {
    id: 's2s-post',
    url: `${tracker}/s2s/conversion?click_id=\${click_id}&transaction_id=\${transaction_id}&amount=\${amount}&currency=\${currency}&email=\${email}`,
    method: 'POST',
    required: ['click_id'],
  },
];
