// What the stand-in tracker received, raw and decoded: the other side of the postbacks report.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML; every value here came from a request and is untrusted. */
export const escapeHtml = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const cell = (value) => `<td>${escapeHtml(value)}</td>`;
const code = (value) => `<td><code>${escapeHtml(value)}</code></td>`;

const rows = (records) =>
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

/** The page listing the tracker's records. */
export const renderReceived = (records) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>clicktrail demo: what the tracker received</title>
<link rel="stylesheet" href="/demo/demo.css">
</head>
<body>
<h1>Received by the stand-in tracker (${records.length})</h1>
<p><a href="/demo/">← demo</a> · <a href="/demo/report">the postbacks report (what was sent)</a></p>
<table id="received">
<thead><tr><th>At</th><th>Method</th><th>Path</th><th>Raw query</th><th>Raw body</th><th>Decoded</th></tr></thead>
<tbody>
${rows(records) || '<tr><td colspan="6">Nothing received yet.</td></tr>'}
</tbody>
</table>
</body>
</html>
`;
