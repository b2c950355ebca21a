// Baseline: the vendor's ~15-line footer snippet, written from its documented behaviour
// (read click_id from the URL, store it in a cookie on the "last two labels" domain for N days).
(() => {
  const name = 'click_id';
  const days = 365;
  const match = new RegExp(`[?&]${name}=([^&#]*)`).exec(window.location.search);
  if (!match) return;
  const value = decodeURIComponent(match[1].replace(/\+/g, ' '));
  const labels = window.location.hostname.split('.');
  const domain = labels.length > 1 ? `.${labels.slice(-2).join('.')}` : window.location.hostname;
  const expires = new Date(Date.now() + days * 864e5).toUTCString();
  // biome-ignore lint/suspicious/noDocumentCookie: the vendor snippet writes the cookie string by hand
  document.cookie = `${name}=${encodeURIComponent(value)}; expires=${expires}; path=/; domain=${domain}`;
})();
