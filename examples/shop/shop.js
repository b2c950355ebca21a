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

// Shows each link's current href in its <code data-href-of="<link id>">, and keeps it current: clicktrail decorates
// links when it starts and again whenever an href changes.
function showHrefs() {
  for (const code of document.querySelectorAll('[data-href-of]')) {
    const link = document.getElementById(code.dataset.hrefOf);
    if (!link) continue;
    const show = () => {
      code.textContent = link.getAttribute('href');
    };
    show();
    new MutationObserver(show).observe(link, { attributes: true, attributeFilter: ['href'] });
  }
}

showHrefs();
withClicktrail(showHrefs);
