import { beforeEach, describe, expect, it } from 'vitest';
import { memoryOutbox } from '../../../src/server/outbox/memory';
import { postbackReport } from '../../../src/server/outbox/report';
import type { OutboxStore } from '../../../src/server/outbox/row';
import { newRow, T0 } from './suite';

const BASE = 'https://shop.example/admin/postbacks';
let store: OutboxStore;
let ids: Record<string, number>;

const settle = async (status: 'delivered' | 'failed', over = {}) => {
  const [r] = await store.enqueue([newRow(over)], T0);
  const id = r?.row.id as number;
  await store.claim({ owner: 'w', now: T0, leaseMs: 1000, limit: 1, rules: [r?.row.rule as string] });
  await store.finish(
    [
      {
        rowId: id,
        owner: 'w',
        status,
        url: r?.row.url as string,
        attempt: {
          attempt: 1,
          startedAt: T0 + 5,
          durationMs: 12,
          url: r?.row.url as string,
          outcome: status,
          httpStatus: status === 'delivered' ? 200 : 404,
          ...(status === 'failed' ? { error: 'HTTP 404' } : {}),
        },
      },
    ],
    T0 + 20,
  );
  return id;
};

beforeEach(async () => {
  store = memoryOutbox();
  ids = {
    delivered: await settle('delivered', { rule: 'trackdesk', clickId: 'alice' }),
    failed: await settle('failed', { rule: 'tracknow', clickId: 'bob' }),
    hostile: await settle('failed', {
      rule: 'tracknow',
      clickId: '<script>alert(1)</script>',
      url: 'https://t.example/pb?c=%3Cscript%3E&token=***',
    }),
    pending: (await store.enqueue([newRow({ rule: 'trackdesk' })], T0))[0]?.row.id as number,
  };
});

const get = (query = '', headers: Record<string, string> = {}) =>
  postbackReport(store)(new Request(`${BASE}${query}`, { headers }));
const post = (
  body: string,
  headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' },
  options = {},
) =>
  postbackReport(
    store,
    options,
  )(
    new Request(BASE, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    }),
  );

describe('postbackReport', () => {
  it('lists every postback with its click id, rule, template, final URL, status, attempts, error and times', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const row = html.match(new RegExp(`<tr data-id="${ids.failed}"[\\s\\S]*?</tr>`))?.[0] ?? '';
    expect(row).toContain('tracknow');
    expect(row).toContain('bob');
    expect(row).toContain('https://t.example/pb?c={click_id}&amp;token=***');
    expect(row).toContain('<span class="status failed">failed</span>');
    expect(row).toContain('<td>404</td><td>HTTP 404</td>');
    expect(row).toContain('2026-11-21 12:00:00Z');
    expect(row).toContain('name="action" value="replay"');
    // Delivered and pending rows have no replay button in the list.
    const delivered = html.match(new RegExp(`<tr data-id="${ids.delivered}"[\\s\\S]*?</tr>`))?.[0] ?? '';
    expect(delivered).toContain('delivered 2026-11-21 12:00:00Z');
    expect(delivered).not.toContain('<button>');
    expect(html).toMatch(/<span class="status failed">failed<\/span> 2</);
  });

  it('escapes every value: a click id cannot inject markup', async () => {
    const html = await (await get()).text();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('filters by status, rule, click id and transaction id, and pages with a cursor', async () => {
    const failed = await (await get('?status=failed')).text();
    expect(failed.match(/<tr data-id=/g)).toHaveLength(2);
    expect(failed).toContain('replay every failed postback');
    const alice = await (await get('?click_id=alice')).text();
    expect(alice.match(/<tr data-id="(\d+)"/g)).toEqual([`<tr data-id="${ids.delivered}"`]);
    const report = postbackReport(store, { pageSize: 3 });
    const first = await (await report(new Request(BASE))).text();
    const older = first.match(/id="older" href="([^"]+)"/)?.[1]?.replace(/&amp;/g, '&');
    expect(older).toBe(`/admin/postbacks?cursor=${ids.failed}`);
    const second = await (await report(new Request(`https://shop.example${older}`))).text();
    expect(second.match(/<tr data-id="(\d+)"/g)).toEqual([`<tr data-id="${ids.delivered}"`]);
    expect((await get('?status=sent')).status).toBe(400);
  });

  it('shows one postback with its attempts, and JSON for scripts', async () => {
    const html = await (await get(`?id=${ids.failed}`)).text();
    expect(html).toContain(`Postback ${ids.failed}`);
    expect(html).toMatch(
      /<table id="attempts">[\s\S]*<td>1<\/td>[\s\S]*<td>failed<\/td><td>404<\/td><td>HTTP 404<\/td>/,
    );
    const json = await (await get(`?id=${ids.failed}&format=json`)).json();
    expect(json.row).toMatchObject({ id: ids.failed, status: 'failed' });
    expect(json.attempts).toHaveLength(1);
    const list = await (await get('?format=json&status=pending')).json();
    expect(list.rows.map((r: { id: number }) => r.id)).toEqual([ids.pending]);
    expect(list.stats).toEqual({ pending: 1, delivering: 0, delivered: 1, failed: 2, skipped: 0 });
    expect((await get('?id=999')).status).toBe(404);
    expect((await get('?id=abc')).status).toBe(404);
  });

  it('replays a failed row from its button, and comes back to the page it was on', async () => {
    const res = await post(`action=replay&id=${ids.failed}&back=${encodeURIComponent('?status=failed')}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/postbacks?status=failed&replayed=1');
    expect((await store.get(ids.failed))?.status).toBe('pending');
    const page = await (await get('?status=failed&replayed=1')).text();
    expect(page).toContain('1 postback(s) queued again.');
  });

  it('never redirects or links off the site, whatever path it is reached by', async () => {
    // A path starting with two slashes (or a backslash, which URL parsing turns into one) would make the redirect
    // after a replay, and every link on the page, protocol-relative: `//evil.example/…` is another site.
    for (const path of ['//evil.example/admin', '/\\evil.example/admin']) {
      const url = `https://shop.example${path}`;
      const res = await postbackReport(store)(
        new Request(url, {
          method: 'POST',
          body: `action=replay&id=${ids.failed}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
        }),
      );
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toMatch(/^\/evil\.example\/admin\?replayed=\d$/);
      const html = await (await postbackReport(store)(new Request(url))).text();
      expect(html).not.toMatch(/(href|action)="\/\//);
      expect(html).toContain('action="/evil.example/admin"');
    }
  });

  it('replays every failed row at once', async () => {
    const res = await post('action=replay-failed');
    expect(res.headers.get('location')).toBe('/admin/postbacks?replayed=2');
    expect((await store.stats()).failed).toBe(0);
  });

  it('refuses a replay posted from another site (CSRF) and when replay is off', async () => {
    expect((await post(`action=replay&id=${ids.failed}`, { 'sec-fetch-site': 'cross-site' })).status).toBe(
      403,
    );
    expect((await post(`action=replay&id=${ids.failed}`, { origin: 'https://evil.example' })).status).toBe(
      403,
    );
    expect((await post(`action=replay&id=${ids.failed}`, {}, { replay: false })).status).toBe(405);
    expect((await store.get(ids.failed))?.status).toBe('failed');
    expect(await (await postbackReport(store, { replay: false })(new Request(BASE))).text()).not.toContain(
      '<button>replay',
    );
    // Same origin by Origin alone (older browsers), and a non-browser client with no Origin at all.
    expect((await post(`action=replay&id=${ids.failed}`, { origin: 'https://shop.example' })).status).toBe(
      303,
    );
    expect((await post(`action=replay&id=${ids.hostile}`, {})).status).toBe(303);
    expect((await post('action=nothing')).status).toBe(400);
  });

  it('refuses a page size the log cannot serve when it is created, not on every page load', () => {
    for (const pageSize of [0, 1001, 2.5, Number.NaN])
      expect(() => postbackReport(store, { pageSize }), String(pageSize)).toThrow(
        expect.objectContaining({ code: 'outbox_options', message: expect.stringMatching(/pageSize/) }),
      );
  });

  it('answers 405 to other methods and 500 (no details) when the store is down', async () => {
    expect((await postbackReport(store)(new Request(BASE, { method: 'PUT' }))).status).toBe(405);
    await store.close();
    const res = await get();
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'outbox_unavailable', message: 'outbox_closed' });
  });
});
