/** Percent-encodes a value as RFC 3986 asks: encodeURIComponent plus the sub-delims it leaves bare. */
export const encode = (value: string): string => {
  const e = encodeURIComponent(value);
  // Most values have none of these; testing first skips the replace (postbacks render a million times a second).
  return /[!'()*]/.test(e)
    ? e.replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    : e;
};

/** Decodes a query component (`+` is a space), or returns undefined when it is not valid percent-encoding. */
export const decode = (value: string): string | undefined => {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};
