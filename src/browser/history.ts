import { attempt } from './attempt';

/**
 * Calls onNavigate after each `history.pushState` and `history.replaceState`: how single-page apps change the
 * address (client-side routing, an OAuth return handled in the page). The page's own call runs first, with its
 * result and its exceptions unchanged; onNavigate's never reach the page. The wrappers stay in place for the page's
 * lifetime (a script that wrapped them after us keeps working): onNavigate decides whether it still listens.
 */
export const watchHistory = (onNavigate: () => void): void => {
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      attempt(onNavigate);
      return result;
    };
  }
};
