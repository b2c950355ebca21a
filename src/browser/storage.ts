import Cookies from 'js-cookie';
import { isValidClickId } from '../core/click-id';
import { type ClickData, dataCookieName, formatData, parseData } from '../core/cookie-format';
import { attempt } from './attempt';
import { widestDomain } from './domain';
import type { Log } from './log';

/** Now, in epoch seconds. */
export const now = (): number => Math.floor(Date.now() / 1e3);

/** The data itself when its id is a valid click id and it has not expired, else undefined. */
const live = (d: ClickData | null | undefined): ClickData | undefined =>
  d && isValidClickId(d.id) && d.exp > now() ? d : undefined;

/** The store behind init(): two cookies (id, data) and a localStorage mirror under the cookie's name. */
export interface Store {
  /** Reads stored data; with `repair`, rewrites a missing half from the other and removes expired traces. */
  _load(repair: boolean): ClickData | undefined;
  /** Writes both cookies and the mirror. */
  _save(d: ClickData): void;
  /** Removes both cookies (on the written domain and host-only) and the mirror. */
  _clear(): void;
}

/** A store for one cookie name; `domain` as in Options (`'auto'`/undefined probes, false is host-only). */
export const store = (name: string, days: number, domain: string | false | undefined, log: Log): Store => {
  const dn = dataCookieName(name);
  const where = () =>
    domain === false ? '' : domain && domain !== 'auto' ? domain : widestDomain(location.hostname);
  const setCookies = (d: ClickData) =>
    attempt(() => {
      const a: Cookies.CookieAttributes = {
        domain: where(),
        expires: new Date(d.exp * 1e3),
        sameSite: 'Lax',
        secure: location.protocol === 'https:',
      };
      Cookies.set(name, d.id, a);
      Cookies.set(dn, formatData(d), a);
      log(Cookies.get(name) === d.id ? 'stored' : 'cookie blocked', a.domain);
    });
  const setMirror = (d: ClickData) => attempt(() => localStorage.setItem(name, JSON.stringify(d)));
  const clear = () => {
    attempt(() => {
      for (const domain of [where(), '']) for (const n of [name, dn]) Cookies.remove(n, { domain });
    });
    attempt(() => localStorage.removeItem(name));
  };
  return {
    _load: (repair) => {
      const c = attempt(() => ({ ...parseData(Cookies.get(dn) || ''), id: Cookies.get(name)! }));
      const m = attempt(() => JSON.parse(localStorage.getItem(name)!) as ClickData);
      // An id without its data cookie (a server wrote it alone) lives as long as the browser keeps it.
      const cookie = live(c && { ...c, exp: c.exp || now() + days * 864e2 });
      const mirror = live(m);
      const data = cookie || mirror;
      if (repair) {
        if (!cookie && data) setCookies(data);
        if (data && mirror?.id !== data.id) setMirror(data);
        if (!data && (c?.id || m)) {
          log('expired');
          clear();
        }
      }
      return data;
    },
    _save: (d) => {
      setCookies(d);
      setMirror(d);
    },
    _clear: clear,
  };
};
