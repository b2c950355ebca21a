import { attempt } from './attempt';

/**
 * Calls onNavigate after each `history.pushState` and `history.replaceState`: how single-page apps change the
 * address (client-side routing, an OAuth return handled in the page). The page's own call runs first, with its
 * result and its exceptions unchanged; onNavigate's never reach the page. Returns the function that stops it (the
 * wrappers stay in place, inert, so a script that wrapped them after us keeps working).
 */
export const watchHistory = (onNavigate: () => void): (() => void) => {
  let watching = true;
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      if (watching) attempt(onNavigate);
      return result;
    };
  }
  return () => {
    watching = false;
  };
};
