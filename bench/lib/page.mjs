// The benchmark page: N links (one in ten a Stripe Payment Link, the rest ordinary), the script under
// test as a real footer <script> tag, and a helper that inserts more links after load, batch by batch.

/** Where link number i points: a mix like a real shop page. */
export const hrefFor = (i) => {
  switch (i % 10) {
    case 0:
      return `https://buy.stripe.com/test_${i.toString(36)}bench`;
    case 1:
      return `/products/${i}?ref=nav`;
    case 2:
      return `https://example.org/article/${i}?utm_source=shop`;
    case 3:
      return `#section-${i}`;
    case 4:
      return `mailto:sales+${i}@example.com`;
    default:
      return `/p/${i}`;
  }
};

// Runs in the page: inserts `total` links in batches, one task per batch (a MessageChannel hop, not a
// clamped timer), then resolves once the main thread is idle so deferred work is counted too.
const pageHelpers = `
const hrefFor = ${hrefFor.toString()};
const nextTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
window.settle = () => new Promise((r) => requestAnimationFrame(() => requestIdleCallback(() => r(), { timeout: 500 })));
window.insertLinks = (total, batch, offset) => new Promise((done) => {
  const list = document.getElementById('more');
  let made = 0;
  const step = () => {
    const frag = document.createDocumentFragment();
    for (let k = 0; k < batch && made < total; k++, made++) {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = hrefFor(offset + made);
      a.textContent = 'Item ' + (offset + made);
      li.append(a);
      frag.append(li);
    }
    list.append(frag);
    if (made < total) nextTask().then(step);
    else nextTask().then(window.settle).then(done);
  };
  nextTask().then(step);
});`;

/** The HTML of a page with `n` links and, unless `script` is empty, that script as a footer tag. */
export const pageHtml = (n, script) => {
  const items = [];
  for (let i = 0; i < n; i++)
    items.push(`<li><a href="${hrefFor(i).replace(/&/g, '&amp;')}">Item ${i}</a></li>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>clicktrail bench, ${n} links</title>
<script>${pageHelpers}</script></head>
<body><h1>Shop</h1><ul id="links">${items.join('')}</ul><ul id="more"></ul>
${script ? `<script src="${script}"></script>` : ''}
</body></html>`;
};
