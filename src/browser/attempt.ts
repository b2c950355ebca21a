/** Runs f and returns its result, or undefined when it throws (blocked storage, odd URLs, hostile pages). */
export const attempt = <T>(f: () => T): T | undefined => {
  try {
    return f();
  } catch {}
};
