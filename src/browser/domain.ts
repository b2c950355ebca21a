import Cookies from 'js-cookie';

/**
 * The widest domain the browser lets this page set a cookie on, found by writing a throwaway cookie from the
 * broadest candidate down (`co.uk`, `example.co.uk`, `shop.example.co.uk`), so no public-suffix list ships;
 * '' means host-only. IP addresses (a TLD never ends in a digit; IPv6 hosts end in `]`) and single-label hosts
 * (`localhost`) are host-only without a probe. `readJar` reads all of document.cookie (js-cookie's `get()`): the
 * store passes its own reader, so that the probe's read can also be its one look at the jar.
 */
export const widestDomain = (host: string, readJar: () => Record<string, string>): string => {
  const labels = host.split('.');
  // The probe's name is unique, so a stale probe cookie left by anything else can never answer for it.
  const probe = `ct_probe${Math.random()}`;
  if (!/[\d\]]$/.test(host))
    for (let i = labels.length - 1; i--; ) {
      const domain = labels.slice(i).join('.');
      Cookies.set(probe, '1', { domain });
      if (readJar()[probe]) {
        Cookies.remove(probe, { domain });
        return domain;
      }
    }
  return '';
};
