// A cookie jar standing in for document.cookie: it keeps Domain/expiry semantics and refuses cookies on
// public suffixes, so the domain probe and the store can be tested without a real browser's PSL.

export interface Cookie {
  name: string;
  value: string;
  domain: string;
  attrs: Record<string, string | true>;
}

export interface Jar {
  /** Every string assigned to document.cookie, in order. */
  writes: string[];
  /**
   * Reads of document.cookie that would wait on the browser in Chromium: the first, and each after a write. (The
   * renderer caches the cookie string until a write invalidates it; a read from that cache costs nothing.)
   */
  roundTrips: number;
  /** The cookies the page can currently read. */
  cookies: () => Cookie[];
  /** Simulates the user (or ITP) deleting every cookie. */
  wipe: () => void;
  restore: () => void;
}

const SUFFIXES = ['uk', 'co.uk', 'com', 'io', 'github.io', 'test', 'localhost'];

/** Installs a fake jar for `host` on document.cookie; `blocked` makes every access throw, as sandboxed iframes do. */
export const installJar = (host: string, opts: { blocked?: boolean; suffixes?: string[] } = {}): Jar => {
  const suffixes = opts.suffixes ?? SUFFIXES;
  let jar: Cookie[] = [];
  const writes: string[] = [];
  let cached = false;
  const deny = () => {
    throw new DOMException('The operation is insecure.', 'SecurityError');
  };
  const result: Jar = {
    writes,
    roundTrips: 0,
    cookies: () => jar,
    wipe: () => {
      jar = [];
    },
    restore: () => {
      delete (document as unknown as Record<string, unknown>).cookie;
    },
  };
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () => {
      if (!cached) result.roundTrips++;
      cached = true;
      return opts.blocked ? deny() : jar.map((c) => `${c.name}=${c.value}`).join('; ');
    },
    set: (s: string) => {
      if (opts.blocked) deny();
      writes.push(s);
      cached = false;
      const [pair, ...rest] = s.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const attrs: Record<string, string | true> = {};
      for (const a of rest) {
        const i = a.indexOf('=');
        attrs[(i < 0 ? a : a.slice(0, i)).trim().toLowerCase()] = i < 0 ? true : a.slice(i + 1).trim();
      }
      let domain = '';
      if (typeof attrs.domain === 'string' && attrs.domain) {
        domain = attrs.domain.replace(/^\./, '').toLowerCase();
        if (suffixes.includes(domain) || (host !== domain && !host.endsWith(`.${domain}`))) return;
      }
      jar = jar.filter((c) => !(c.name === name && c.domain === domain));
      const expires = typeof attrs.expires === 'string' ? Date.parse(attrs.expires) : Number.NaN;
      if (!(expires <= Date.now())) jar.push({ name, value, domain, attrs });
    },
  });
  return result;
};

/** Points the happy-dom window at a URL without navigating. */
export const setUrl = (url: string): void => {
  (window as unknown as { happyDOM: { setURL(u: string): void } }).happyDOM.setURL(url);
};

/** Writes a raw Set-Cookie string, as another script on the site (or a server) would have. */
export const rawCookie = (s: string): void => {
  // biome-ignore lint/suspicious/noDocumentCookie: the tests play a foreign writer on purpose
  document.cookie = s;
};
