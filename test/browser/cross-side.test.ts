// One model of a click on both sides: what the browser writes, the server reads, and the other way round.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/browser/storage';
import type { ClickData } from '../../src/core/click';
import { clickIdCookie, readClickData } from '../../src/server/cookie';
import { installJar, type Jar, rawCookie, setUrl } from './jar';

// A store as init() makes one for `cookie: 'tn_click_id'` (the lifetime only matters for an id without data).
const store = () => {
  const [load, save] = createStore('tn_click_id', 'auto', 365);
  return { load, save };
};
let jar: Jar;
const exp = Math.floor(Date.now() / 1000) + 3600;
const click: ClickData = {
  id: 'a/b+c=d;é',
  src: 'affS1',
  exp,
  kept: { affid: '101', utm_campaign: 'spring sale + 50% *off*', 'we ird': 'x&y=z', __proto__x: 'p' },
};
/** The Cookie header the browser would send: what document.cookie shows. */
const header = () => document.cookie;

beforeEach(() => {
  setUrl('https://shop.example.co.uk/');
  jar = installJar('shop.example.co.uk');
  localStorage.clear();
});
afterEach(() => jar.restore());

describe('browser and server share one click model', () => {
  it('the server reads what the browser stored', () => {
    store().save(click);
    expect(readClickData(header(), 'tn_click_id')).toMatchObject(click);
  });

  it('the browser reads what the server set, byte for byte the cookies it would write itself', () => {
    const url = `https://shop.example.co.uk/?affS1=${encodeURIComponent(click.id)}&${new URLSearchParams(click.kept)}`;
    const now = (exp - 365 * 86400) * 1000;
    const setCookies = clickIdCookie(url, {
      idParams: ['affS1'],
      keep: Object.keys(click.kept),
      cookie: 'tn_click_id',
      now,
    });
    for (const c of setCookies) rawCookie(c);
    const server = jar.cookies().map((c) => [c.name, c.value]);
    expect(store().load(false)).toEqual(click);

    // The browser's own writes of the same click produce the same name=value pairs.
    jar.wipe();
    store().save(click);
    expect(jar.cookies().map((c) => [c.name, c.value])).toEqual(server);
  });
});
