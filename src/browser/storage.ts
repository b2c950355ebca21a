import Cookies from 'js-cookie';
import { type ClickData, expiryFor, liveClick } from '../core/click';
import { dataCookieName, formatData, parseData } from '../core/data-cookie';
import { attempt } from './attempt';
import { widestDomain } from './domain';
import { log } from './log';

/**
 * The stored click, read from one look at document.cookie, and from the mirror only when the cookies hold none. With
 * `repair`, a copy that is missing or stale is rewritten from the other, and expired traces are removed.
 * `replacing` says a new click is about to replace it: the mirror's copy is then moot and not read (that would load
 * the page's whole storage area on the main thread), and with `repair` (so the new click will be saved) the domain
 * is probed first, so that the probe's read of document.cookie is also this one (a read after a write waits on the
 * browser: about 0.2 ms of a first visit, for 37 bytes).
 */
export type Load = (repair: boolean, replacing?: boolean) => ClickData | undefined;

/**
 * The store behind init(): two cookies (the id, and `<cookie>_data`) and a localStorage mirror under `cookie`, as
 * three functions: `load` (see Load); `save`, which writes both cookies now and the mirror once the page is idle;
 * `clear`, which removes both cookies (on the domain they were written to, and host-only) and the mirror. A tuple
 * rather than an object: the script tag then carries no method names (12 bytes with Carrier's).
 */
export type Store = [load: Load, save: (click: ClickData) => void, clear: () => void];

/**
 * A store for one cookie name. `domain` as in Options (`'auto'` probes once, when a cookie is first written;
 * false is host-only). `days` is the lifetime given to an id cookie found without its data cookie (another
 * writer set it alone).
 */
export const createStore = (cookie: string, domain: string | false, days: number): Store => {
  const dataCookie = dataCookieName(cookie);
  // The last read of document.cookie (all of it).
  let jar: Record<string, string> | undefined;
  const readJar = () => (jar = attempt(() => Cookies.get()) || {});
  let cookieDomain: string | undefined;
  const writeDomain = (): string =>
    (cookieDomain ??=
      domain === false ? '' : domain !== 'auto' ? domain : widestDomain(location.hostname, readJar));
  // Whether load saw a cookie of one of our names: it may be a host-only twin that would shadow ours.
  let twinSeen = true;
  // What the mirror is to hold once the page is idle; set while a write waits (cleared by clear()).
  let mirrorTarget: ClickData | undefined;

  // The mirror is written when the page is idle (where there is no idle callback, on the next task): it is the
  // backup for lost cookies, and nothing on the page waits for it.
  const writeMirrorLater = (click: ClickData): void => {
    if (!mirrorTarget)
      (window.requestIdleCallback || setTimeout)(() => {
        attempt(() => mirrorTarget && localStorage.setItem(cookie, JSON.stringify(mirrorTarget)));
        mirrorTarget = undefined;
      });
    mirrorTarget = click;
  };
  const removeCookies = (on?: string): void => {
    for (const name of [cookie, dataCookie]) Cookies.remove(name, { domain: on });
  };
  const writeCookies = (click: ClickData): void =>
    attempt(() => {
      // A host-only cookie of the same name (domain: false before, an old vendor snippet) is sent and read before
      // ours, so it would shadow every new click: remove it first, when load saw a cookie of that name at all.
      if (twinSeen) removeCookies();
      twinSeen = false;
      const attributes: Cookies.CookieAttributes = {
        domain: writeDomain(),
        expires: new Date(click.exp * 1e3),
        sameSite: 'Lax',
        secure: location.protocol === 'https:',
      };
      Cookies.set(cookie, click.id, attributes);
      Cookies.set(dataCookie, formatData(click), attributes);
      // The read-back is for the debug line alone: without logging (and in the script tag's build) it never runs.
      if (log) log(Cookies.get(cookie) === click.id ? 'stored' : 'blocked', attributes.domain);
    });
  const save = (click: ClickData): void => {
    writeCookies(click);
    writeMirrorLater(click);
  };
  const clear = (): void => {
    mirrorTarget = undefined;
    attempt(() => {
      removeCookies(writeDomain());
      removeCookies();
    });
    attempt(() => localStorage.removeItem(cookie));
  };
  const load: Load = (repair, replacing) => {
    const now = Date.now();
    jar = undefined;
    if (replacing && repair) attempt(writeDomain);
    // The probe's last read, when it just read, else a read of its own: either way document.cookie is read once.
    const { [cookie]: id, [dataCookie]: data } = jar || readJar();
    twinSeen = (id ?? data) !== undefined;
    const stored = parseData(data || '');
    // Without an id cookie `id` is undefined, which liveClick refuses as it refuses any invalid id.
    const fromCookies = liveClick({ ...stored, id: id!, exp: stored.exp || expiryFor(now, days) }, now);
    // 1. The cookies hold a live click: it wins (the cookies are shared by every subdomain, the mirror is per
    //    origin), and the mirror is written from it when the page is idle.
    if (fromCookies || replacing) {
      if (repair && fromCookies) writeMirrorLater(fromCookies);
      return fromCookies;
    }
    const mirror = attempt(() => {
      const saved = JSON.parse(localStorage.getItem(cookie)!);
      // 0.1.0 mirrors named the kept params `params`.
      return saved && { ...saved, kept: saved.kept || saved.params };
    }) as ClickData | undefined;
    const fromMirror = liveClick(mirror, now);
    if (repair) {
      // 2. Only the mirror does (the cookies were deleted: Safari's 7-day cap on cookies set by script, a user
      //    clearing them): the cookies are written again from it, with its remaining lifetime.
      if (fromMirror) writeCookies(fromMirror);
      // 3. Neither does, but expired or invalid traces are left: they are removed.
      else if (id || data || mirror) {
        log?.('expired');
        clear();
      }
      // 4. Nothing at all: nothing to do.
    }
    return fromMirror;
  };
  return [load, save, clear];
};
