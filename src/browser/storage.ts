import Cookies from 'js-cookie';
import { isValidClickId } from '../core/click-id';
import type { ClickData } from '../core/cookie-format';
import { attempt } from './attempt';
import { widestDomain } from './domain';
import type { Log } from './log';

/** Now, in epoch seconds. */
export const now = (): number => Math.floor(Date.now() / 1e3);

/** The data itself when its id is a valid click id and it has not expired, else undefined. */
const live = (d: ClickData | null | undefined): ClickData | undefined =>
  d && isValidClickId(d.id) && d.exp > Date.now() / 1e3 ? d : undefined;

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
 * The data cookie is core/cookie-format's query string, written here with URLSearchParams (a space becomes `+`,
 * which the server's parseData reads as a space).
 */
export const store = (name: string, exp: number, domain: string | false | undefined, log: Log): Store => {
  const dn = `${name}_data`;
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
      Cookies.set(dn, `${new URLSearchParams({ ct_src: d.src, ct_exp: `${d.exp}`, ...d.params })}`, a);
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
        const { ct_src = '', ct_exp, ...params } = Object.fromEntries(new URLSearchParams(Cookies.get(dn)));
        return { id: Cookies.get(name)!, src: ct_src, exp: +ct_exp! || exp, params };
      });
      const m = attempt(() => JSON.parse(localStorage.getItem(name)!) as ClickData);
      const cookie = live(c);
      const mirror = live(m);
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
