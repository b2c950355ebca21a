// Waiting for clicktrail's MutationObserver without sleeping.

/**
 * Runs a DOM change and resolves once carry's observer has seen it: an observer created after carry's is notified
 * after it in the same delivery, so when this one fires carry's callback has finished.
 */
export const observed = (mutate: () => void): Promise<void> =>
  new Promise((resolve) => {
    const probe = new MutationObserver(() => {
      probe.disconnect();
      resolve();
    });
    probe.observe(document, { childList: true, subtree: true, attributes: true });
    mutate();
  });
