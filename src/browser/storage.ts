import Cookies from 'js-cookie';
import { type ClickData, liveClick } from '../core/click';
import { dataCookieName, formatData, parseData } from '../core/data-cookie';
import { attempt } from './attempt';
import { widestDomain } from './domain';
import type { Log } from './log';

/** Now, in epoch seconds. */
export const now = (): number => Math.floor(Date.now() / 1e3);

/** The store behind init(): two cookies (id, data) and a localStorage mirror under the cookie's name. */
export interface Store {
  /** Reads stored data; with `repair`, rewrites a missing or stale half from the other and removes expired traces. */
  _load(repair: boolean): ClickData | undefined;
  /** Writes both cookies and the mirror. */
  _save(d: ClickData): void;
  /** Removes both cookies (on the written domain and host-only) and the mirror. */
  _clear(): void;
}

/**
 * A store for one cookie name. `exp` is the expiry given to an id cookie found without its data cookie (a server
 * wrote it alone); `domain` as in Options (`'auto'`/undefined probes once, false is host-only).
 *
 * The data cookie is core/data-cookie's query string (formatData / parseData, as on the server).
 */
export const store = (name: string, exp: number, domain: string | false | undefined, log: Log): Store => {
  const dn = dataCookieName(name);
  let where: string | undefined;
  const at = () =>
    (where ??=
      domain === false ? '' : domain && domain !== 'auto' ? domain : widestDomain(location.hostname));
  // Both cookies on one domain; undefined is host-only.
  const rm = (domain?: string) => {
    for (const n of [name, dn]) Cookies.remove(n, { domain });
  };
  const save = (d: ClickData) => {
    attempt(() => {
      // A host-only cookie of the same name (domain: false before, an old vendor snippet) is sent and read before
      // ours, so it would shadow every new click: remove it first.
      rm();
      const a: Cookies.CookieAttributes = {
        domain: at(),
        expires: new Date(d.exp * 1e3),
        sameSite: 'Lax',
        secure: location.protocol === 'https:',
      };
      Cookies.set(name, d.id, a);
      Cookies.set(dn, formatData(d), a);
      log(Cookies.get(name) === d.id ? 'stored' : 'blocked', a.domain);
    });
    attempt(() => localStorage.setItem(name, JSON.stringify(d)));
  };
  const clear = () => {
    attempt(() => {
      rm(at());
      rm();
    });
    attempt(() => localStorage.removeItem(name));
  };
  return {
    _load: (repair) => {
      const c = attempt(() => {
        const data = parseData(Cookies.get(dn) || '');
        return { ...data, id: Cookies.get(name)!, exp: data.exp || exp };
      });
      // 0.1.0 mirrors named the kept params `params`.
      const m = attempt(() => {
        const d = JSON.parse(localStorage.getItem(name)!);
        return d && { ...d, kept: d.kept || d.params };
      }) as ClickData | undefined;
      const t = Date.now();
      const cookie = liveClick(c, t);
      const mirror = liveClick(m, t);
      const data = cookie || mirror;
      if (repair && (data ? !cookie || mirror?.id !== data.id : c?.id || m)) {
        if (data) save(data);
        else {
          log('expired');
          clear();
        }
      }
      return data;
    },
    _save: save,
    _clear: clear,
  };
};
