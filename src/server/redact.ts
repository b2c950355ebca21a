// Postback URLs often carry the tracker's token; the log shows that one is there, never what it is.
const SECRET_NAME = /token|secret|key|pass|auth|sig/i;

/** The url with the values of secret-looking query params (token, api_key, secret, …) and any password hidden. */
export const redactUrl = (url: string): string =>
  url
    .replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#@]*@/, '$1***@')
    .replace(/([?&])([^=&#]*)=([^&#]*)/g, (pair, sep: string, name: string, value: string) =>
      value && SECRET_NAME.test(name) ? `${sep}${name}=***` : pair,
    );
