// Page code shared by the example shop. It shows what clicktrail knows, and waits for it the documented way:
// `window.clicktrail` once the script tag has run, or the `clicktrail:ready` event (its detail is the same object)
// for code that runs before an async or injected tag has loaded.
function withClicktrail(use) {
  if (window.clicktrail) use(window.clicktrail);
  else window.addEventListener('clicktrail:ready', (event) => use(event.detail), { once: true });
}

// Fills every <output data-show="click-id"> and <output data-show="kept"> on the page.
function showClicktrail(ct) {
  for (const el of document.querySelectorAll('[data-show="click-id"]'))
    el.textContent = ct.clickId() ?? '(none)';
  for (const el of document.querySelectorAll('[data-show="kept"]'))
    el.textContent = JSON.stringify(ct.kept());
}

withClicktrail(showClicktrail);
