// Baseline: the vendor snippet plus the usual one-shot pass that appends client_reference_id
// to the Stripe Payment Links present when it runs (links added later stay bare).
(() => {
  const name = 'click_id';
  const days = 365;
  const match = new RegExp(`[?&]${name}=([^&#]*)`).exec(window.location.search);
  let value;
  if (match) {
    value = decodeURIComponent(match[1].replace(/\+/g, ' '));
    const labels = window.location.hostname.split('.');
    const domain = labels.length > 1 ? `.${labels.slice(-2).join('.')}` : window.location.hostname;
    const expires = new Date(Date.now() + days * 864e5).toUTCString();
    // biome-ignore lint/suspicious/noDocumentCookie: the vendor snippet writes the cookie string by hand
    document.cookie = `${name}=${encodeURIComponent(value)}; expires=${expires}; path=/; domain=${domain}`;
  } else {
    const stored = new RegExp(`(?:^|; )${name}=([^;]*)`).exec(document.cookie);
    if (stored) value = decodeURIComponent(stored[1]);
  }
  if (!value) return;
  for (const link of document.querySelectorAll('a[href*="buy.stripe.com"]')) {
    const url = new URL(link.href);
    if (!url.searchParams.get('client_reference_id')) {
      url.searchParams.set('client_reference_id', value);
      link.href = url.toString();
    }
  }
})();
