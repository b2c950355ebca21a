// The postbacks report: what the demo server sent, beside what the stand-in tracker received.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML; every value on the report came from a URL or a request and is untrusted. */
export const escapeHtml = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const cell = (value) => `<td>${escapeHtml(value)}</td>`;
const code = (value) => `<td><code>${escapeHtml(value)}</code></td>`;

/** The tracker records that are this postback: same path, and its query as the query (GET) or the body (POST). */
const arrivals = (postback, records) => {
  const q = postback.url.indexOf('?');
  const path = new URL(postback.url).pathname;
  const query = q < 0 ? '' : postback.url.slice(q + 1);
  return records.filter(
    (r) =>
      r.path === path &&
      r.method === postback.method &&
      (postback.method === 'POST' ? r.body : r.rawQuery) === query,
  );
};

const sentRows = (postbacks, records) =>
  postbacks
    .map(
      (p) =>
        `<tr class="${p.ok ? 'ok' : 'failed'}">${cell(p.rule)}${code(p.template)}${cell(p.method === 'POST' ? 'POST (query as form body)' : p.method)}${code(p.url)}${cell(p.status ?? '–')}${cell(p.attempts)}${cell(p.error ?? '')}${cell(p.url ? arrived(arrivals(p, records)) : '–')}</tr>`,
    )
    .join('\n');

const arrived = (matches) =>
  matches.length
    ? `✓ ${matches.length === 1 ? 'once' : `${matches.length} times`}, at ${matches[0].at}`
    : '✗ not received';

const receivedRows = (records) =>
  records
    .map(
      (r) =>
        `<tr>${cell(r.at)}${cell(r.method)}${code(r.path)}${code(r.rawQuery)}${code(r.body)}<td>${[
          ...r.query,
          ...r.bodyParams,
        ]
          .map(([k, v]) => `<code>${escapeHtml(k)}</code> = <code>${escapeHtml(v)}</code>`)
          .join('<br>')}</td></tr>`,
    )
    .join('\n');

/** The report page's HTML for the postback log entries and the tracker's records. */
export const renderReport = ({ postbacks, received, events }) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clicktrail demo: postbacks report</title>
<link rel="stylesheet" href="/demo/demo.css">
</head>
<body>
<h1>Postbacks report</h1>
<p><a href="/demo/">← demo</a> · <a href="/demo/report.json">JSON</a> · ${events.length} webhook event(s) handled</p>
<h2>Sent by the demo server (${postbacks.length})</h2>
<table id="sent">
<thead><tr><th>Rule</th><th>Template</th><th>Method</th><th>Final URL</th><th>Status</th><th>Attempts</th><th>Error</th><th>Tracker got it</th></tr></thead>
<tbody>
${sentRows(postbacks, received) || '<tr><td colspan="8">No postback yet: simulate a purchase.</td></tr>'}
</tbody>
</table>
<h2>Received by the stand-in tracker (${received.length})</h2>
<table id="received">
<thead><tr><th>At</th><th>Method</th><th>Path</th><th>Raw query</th><th>Raw body</th><th>Decoded</th></tr></thead>
<tbody>
${receivedRows(received) || '<tr><td colspan="6">Nothing received yet.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
