// The demo page: shows the click id the server reads, and simulates a Stripe purchase for it.
const $ = (id) => document.getElementById(id);

const show = (el, text) => {
  el.textContent = text;
  el.hidden = false;
};

const cell = (row, text) => {
  const td = row.insertCell();
  td.textContent = text;
};

const refresh = async () => {
  const { clickId } = await (await fetch('/demo/whoami.json')).json();
  $('click-id').textContent = clickId ?? 'none yet: land with ?click_id=… first';
};

$('purchase').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('error').hidden = true;
  $('result').hidden = true;
  const form = new FormData(event.target);
  const body = {
    amount_total: Number(form.get('amount_total')),
    currency: String(form.get('currency')),
    email: String(form.get('email')),
  };
  $('simulate').disabled = true;
  try {
    const response = await fetch('/demo/purchase', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (!response.ok) return show($('error'), answer.error);
    show(
      $('summary'),
      `Stripe event ${answer.event.id} for click id ${answer.clickId} (client_reference_id ${answer.clientReferenceId}): webhook answered ${answer.webhook.status}, ${answer.postbacks.length} postback(s) sent.`,
    );
    const tbody = $('postbacks').tBodies[0];
    tbody.replaceChildren();
    for (const p of answer.postbacks) {
      const row = tbody.insertRow();
      row.className = p.ok ? 'ok' : 'failed';
      for (const text of [p.rule, p.method, p.url, p.status ?? '–', p.attempts]) cell(row, String(text));
    }
    $('result').hidden = false;
  } catch (error) {
    show($('error'), String(error));
  } finally {
    $('simulate').disabled = false;
  }
});

refresh();
