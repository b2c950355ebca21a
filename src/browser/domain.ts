import Cookies from 'js-cookie';

const found: Record<string, string> = {};

/**
 * Domains to try for a host, broadest first: `co.uk`, `example.co.uk`, `shop.example.co.uk`.
 * IP addresses and single-label hosts (`localhost`) get none: they take host-only cookies.
 */
export const candidates = (host: string): string[] =>
  /^[\d.]+$|[:[]/.test(host)
    ? []
    : host
        .split('.')
        .map((_, i, l) => l.slice(i).join('.'))
        .reverse()
        .slice(1);

/**
 * The widest domain the browser lets this page set a cookie on, found by writing a throwaway cookie from the
 * broadest candidate down (so no public-suffix list ships); '' means host-only. Cached per host.
 */
export const widestDomain = (host: string): string =>
  (found[host] ??=
    candidates(host).find((domain) => {
      const v = `${Math.random()}`;
      Cookies.set('ct_probe', v, { domain });
      // Read the raw jar: a stale probe on another domain could hide ours from Cookies.get.
      const ok = document.cookie.includes(`ct_probe=${v}`);
      if (ok) Cookies.remove('ct_probe', { domain });
      return ok;
    }) || '');
