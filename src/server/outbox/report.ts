// The postbacks report: the outbox as a page, in the spirit of Track360's Postbacks Report. A Fetch handler the
// merchant mounts behind their own auth; no script, every value escaped, replay as a same-origin form POST.
import { OutboxError } from './errors';
import { DEFAULT_PAGE, MAX_PAGE } from './query';
import {
  OUTBOX_STATUSES,
  type OutboxAttempt,
  type OutboxRow,
  type OutboxStats,
  type OutboxStatus,
  type OutboxStore,
} from './row';

/** Options of postbackReport. */
export interface ReportOptions {
  /** The page's heading. Default `'Postbacks'`. */
  title?: string;
  /** Rows per page, 1–1,000. Default 50. */
  pageSize?: number;
  /** Show replay buttons (and accept replay POSTs). Default true. */
  replay?: boolean;
  /** Clock for replays, epoch ms. Default Date.now. */
  now?: () => number;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
/** Escapes text for HTML: every value on the page came from a URL, a request or a receiver, and is untrusted. */
const esc = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

const time = (ms: number | undefined): string =>
  ms === undefined
    ? ''
    : new Date(ms)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  // No script at all; forms post only back here; the page cannot be framed (clickjacking a replay button).
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1d2330}
h1{font-size:1.4rem;margin:0 0 .5rem}
table{border-collapse:collapse;width:100%;margin:.75rem 0}
th,td{border-bottom:1px solid #e3e6ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f6f8;font-weight:600;white-space:nowrap}
code{font:12px/1.4 ui-monospace,monospace;word-break:break-all}
.status{display:inline-block;padding:0 .45rem;border-radius:.6rem;font-size:12px;font-weight:600}
.pending,.delivering{background:#fff4d6;color:#7a5500}.delivered{background:#dcf5e3;color:#13612e}
.failed{background:#fde2e1;color:#9b1c1c}.skipped{background:#eceef2;color:#4a5263}
form.filters{display:flex;gap:.5rem;flex-wrap:wrap;align-items:end}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:#4a5263}
nav a{margin-right:.75rem}.muted{color:#6b7385}.flash{background:#e8f1ff;padding:.4rem .6rem;border-radius:.3rem}
button{cursor:pointer}
`;

const badge = (status: OutboxStatus) => `<span class="status ${status}">${status}</span>`;
const replayable = (row: OutboxRow) => row.status === 'failed' || row.status === 'skipped';

interface PageState {
  path: string;
  search: string;
  replay: boolean;
  title: string;
}

const replayForm = (state: PageState, fields: Record<string, string>, label: string) =>
  `<form method="post" action="${esc(state.path)}" style="display:inline">${Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join(
      '',
    )}<input type="hidden" name="back" value="${esc(state.search)}"><button>${esc(label)}</button></form>`;

const page = (state: PageState, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(state.title)}</title><style>${STYLE}</style></head>
<body>${body}</body></html>
`;

const summary = (state: PageState, stats: OutboxStats) =>
  `<nav id="stats"><a href="${esc(state.path)}">all</a>${OUTBOX_STATUSES.map(
    (s) => `<a href="${esc(state.path)}?status=${s}">${badge(s)} ${stats[s]}</a>`,
  ).join('')}</nav>`;

const filters = (state: PageState, q: URLSearchParams) => {
  const status = q.get('status') ?? '';
  const field = (name: string, label: string) =>
    `<label>${label}<input name="${name}" value="${esc(q.get(name) ?? '')}" size="16"></label>`;
  return `<form class="filters" method="get" action="${esc(state.path)}">
<label>status<select name="status"><option value="">any</option>${OUTBOX_STATUSES.map(
    (s) => `<option${s === status ? ' selected' : ''}>${s}</option>`,
  ).join(
    '',
  )}</select></label>${field('rule', 'rule')}${field('click_id', 'click id')}${field('transaction_id', 'transaction id')}
<button>filter</button></form>`;
};

const listRows = (state: PageState, rows: OutboxRow[]) =>
  rows
    .map(
      (r) => `<tr data-id="${r.id}" class="row-${r.status}">
<td><a href="${esc(state.path)}?id=${r.id}">${r.id}</a></td><td>${esc(time(r.createdAt))}</td><td>${esc(r.rule)}</td>
<td><code>${esc(r.clickId)}</code></td><td><code>${esc(r.transactionId)}</code></td>
<td><code>${esc(r.template)}</code></td><td>${esc(r.method)} <code>${esc(r.url)}</code></td>
<td>${badge(r.status)}</td><td>${r.attempts}</td><td>${esc(r.lastHttpStatus ?? '')}</td><td>${esc(r.lastError ?? '')}</td>
<td>${esc(r.status === 'delivered' ? `delivered ${time(r.deliveredAt)}` : r.nextAttemptAt ? `next ${time(r.nextAttemptAt)}` : time(r.updatedAt))}</td>
<td>${state.replay && replayable(r) ? replayForm(state, { action: 'replay', id: String(r.id) }, 'replay') : ''}</td></tr>`,
    )
    .join('\n');

const detail = (state: PageState, row: OutboxRow, attempts: OutboxAttempt[]) => {
  const field = (name: string, value: string) => `<tr><th>${name}</th><td>${value}</td></tr>`;
  const { clickId, transactionId, amount, currency, event, status, email, offerId, affiliateId } =
    row.conversion;
  return `<p><a href="${esc(state.path)}">← all postbacks</a></p>
<h1>Postback ${row.id} ${badge(row.status)}</h1>
<table id="row">${[
    field('rule', esc(row.rule)),
    field('click id', `<code>${esc(clickId)}</code>`),
    field('transaction id', `<code>${esc(transactionId)}</code>`),
    field(
      'conversion',
      esc(
        `${event} · ${status} · ${amount} ${currency}${offerId ? ` · offer ${offerId}` : ''}${affiliateId ? ` · affiliate ${affiliateId}` : ''}${email ? ` · ${email}` : ''}`,
      ),
    ),
    field('template', `<code>${esc(row.template)}</code>`),
    field('final URL', `${esc(row.method)} <code>${esc(row.url)}</code>`),
    field('missing placeholders', esc(row.missing?.join(', ') ?? '')),
    field('attempts', `${row.attempts}${row.replays ? ` (replayed ${row.replays}×)` : ''}`),
    field('last HTTP status', esc(row.lastHttpStatus ?? '')),
    field('last error', esc(row.lastError ?? '')),
    field('created', esc(time(row.createdAt))),
    field('updated', esc(time(row.updatedAt))),
    field('next attempt', esc(time(row.nextAttemptAt))),
    field('delivered', esc(time(row.deliveredAt))),
  ].join('')}</table>
${state.replay && row.status !== 'pending' && row.status !== 'delivering' ? replayForm(state, { action: 'replay', id: String(row.id) }, row.status === 'delivered' ? 'send again' : 'replay') : ''}
<h2>Attempts (${attempts.length})</h2>
<table id="attempts"><thead><tr><th>#</th><th>at</th><th>took</th><th>outcome</th><th>HTTP</th><th>error</th><th>URL</th></tr></thead><tbody>
${attempts
  .map(
    (a) =>
      `<tr><td>${a.attempt}</td><td>${esc(time(a.startedAt))}</td><td>${esc(a.durationMs)} ms</td><td>${esc(a.outcome)}</td><td>${esc(a.httpStatus ?? '')}</td><td>${esc(a.error ?? '')}</td><td><code>${esc(a.url)}</code></td></tr>`,
  )
  .join('\n')}
</tbody></table>`;
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });

// A replay is a state change: only this page may ask for it. Browsers say where a request comes from
// (Sec-Fetch-Site, Origin); a cross-site form posting here with the merchant's cookies is refused.
const sameOrigin = (request: Request, url: URL): boolean => {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  if (!origin) return true;
  try {
    return new URL(origin).host === url.host;
  } catch {
    return false;
  }
};

/**
 * The postbacks report as a Fetch handler, `(Request) => Promise<Response>`: every postback with its click id,
 * rule, template, final URL (secrets redacted), status, attempts, last error and times; filters (status, rule, click
 * id, transaction id), paging, a page per postback with its attempts, and replay buttons for failed rows. Add
 * `?format=json` for the same as JSON. **Mount it behind your own authentication**: it shows conversions.
 */
export const postbackReport = (
  outbox: OutboxStore,
  options: ReportOptions = {},
): ((request: Request) => Promise<Response>) => {
  const { title = 'Postbacks', pageSize = DEFAULT_PAGE, replay = true, now = Date.now } = options;
  // Checked here, once: a bad page size would otherwise answer every page load with a 400.
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE)
    throw new OutboxError(
      'outbox_options',
      `pageSize must be a whole number from 1 to ${MAX_PAGE}, got ${pageSize}`,
    );
  return async (request) => {
    const url = new URL(request.url);
    // Links and the redirect after a replay use this path: with its leading slashes collapsed, so a request for
    // `//evil.example/…` cannot turn them into protocol-relative URLs to another site.
    const path = url.pathname.replace(/^\/+/, '/');
    const state: PageState = { path, search: url.search, replay, title };
    try {
      if (request.method === 'POST') {
        if (!replay) return json(405, { error: 'replay_disabled' });
        if (!sameOrigin(request, url))
          return json(403, { error: 'cross_site', message: 'Replay only from this page.' });
        const form = new URLSearchParams(await request.text());
        const action = form.get('action');
        const ids = form.getAll('id').map(Number).filter(Number.isSafeInteger);
        const rule = form.get('rule') || undefined;
        const replayed =
          action === 'replay' && ids.length
            ? await outbox.replay({ ids }, now())
            : action === 'replay-failed'
              ? await outbox.replay({ status: 'failed', ...(rule ? { rule } : {}) }, now())
              : undefined;
        if (!replayed)
          return json(400, { error: 'bad_request', message: 'action=replay&id=… or action=replay-failed' });
        const back = new URLSearchParams(form.get('back')?.replace(/^\?/, '') ?? '');
        back.set('replayed', String(replayed.length));
        return new Response(null, { status: 303, headers: { location: `${path}?${back}` } });
      }
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return json(405, { error: 'method_not_allowed' });
      const q = url.searchParams;
      const format = q.get('format');
      const id = q.get('id');
      if (id !== null) {
        const row = /^\d{1,15}$/.test(id) ? await outbox.get(Number(id)) : undefined;
        if (!row) return json(404, { error: 'not_found' });
        const attempts = await outbox.attempts(row.id);
        if (format === 'json') return json(200, { row, attempts });
        return new Response(page({ ...state, title: `${title}: ${row.id}` }, detail(state, row, attempts)), {
          headers: HEADERS,
        });
      }
      const status = q.get('status') || undefined;
      const filter = {
        ...(status ? { status: status as OutboxStatus } : {}),
        ...(q.get('rule') ? { rule: q.get('rule') as string } : {}),
        ...(q.get('click_id') ? { clickId: q.get('click_id') as string } : {}),
        ...(q.get('transaction_id') ? { transactionId: q.get('transaction_id') as string } : {}),
        ...(q.get('cursor') ? { cursor: q.get('cursor') as string } : {}),
        limit: pageSize,
      };
      const [found, stats] = await Promise.all([outbox.list(filter), outbox.stats()]);
      if (format === 'json') return json(200, { ...found, stats });
      const more = new URLSearchParams(q);
      more.delete('replayed');
      if (found.next) more.set('cursor', found.next);
      const replayed = q.get('replayed');
      const body = `<h1>${esc(title)}</h1>
${summary(state, stats)}
${replayed ? `<p class="flash" id="flash">${esc(replayed)} postback(s) queued again.</p>` : ''}
${filters(state, q)}
${replay && status === 'failed' && found.rows.length ? `<p>${replayForm(state, { action: 'replay-failed', ...(q.get('rule') ? { rule: q.get('rule') as string } : {}) }, 'replay every failed postback')}</p>` : ''}
<table id="postbacks"><thead><tr><th>id</th><th>created</th><th>rule</th><th>click id</th><th>transaction</th><th>template</th><th>final URL</th><th>status</th><th>attempts</th><th>HTTP</th><th>last error</th><th>when</th><th></th></tr></thead>
<tbody>
${listRows(state, found.rows) || '<tr><td colspan="13" class="muted">No postbacks match.</td></tr>'}
</tbody></table>
${found.next ? `<p><a id="older" href="${esc(state.path)}?${esc(more)}">older →</a></p>` : ''}
<p class="muted">Secret-looking URL parameters (token, key, secret, sig, auth, pass…) are shown as ***.</p>`;
      return new Response(request.method === 'HEAD' ? null : page(state, body), { headers: HEADERS });
    } catch (e) {
      if (e instanceof OutboxError && e.code === 'outbox_options')
        return json(400, { error: e.code, message: e.message });
      return json(500, {
        error: 'outbox_unavailable',
        message: e instanceof OutboxError ? e.code : 'internal',
      });
    }
  };
};
