// Postback URLs often carry the tracker's token; the log shows that one is there, never what it is.
const SECRET_NAME = /token|secret|key|pass|pwd|auth|sig|credential/i;
// `pw` only as a word of the name (`pw`, `user_pw`, `userPw`, `PW`): inside a word it is too often something else.
const PW_WORD = /(?:^|[^A-Za-z])[Pp][Ww](?![a-z])|[a-z]P[Ww](?![a-z])/;

const isSecretName = (name: string): boolean => SECRET_NAME.test(name) || PW_WORD.test(name);

/**
 * The url with the values of secret-looking query params (token, api_key, secret, password, pwd, pw, …) and any
 * URL password hidden, in the query and the fragment alike. A pair ends at `&`, `#` and `?` (so `x=a?token=…` hides
 * the token too); that also keeps it linear in the url's length, since no pair can be scanned twice.
 */
export const redactUrl = (url: string): string =>
  url
    // Up to the last `@` of the authority, as URL parsers read it: a password may itself contain `@`.
    .replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#@:]*:)[^/?#]*@/, '$1***@')
    .replace(/([?&])([^=&#?]*)=([^&#?]*)/g, (pair, sep: string, name: string, value: string) =>
      value && isSecretName(name) ? `${sep}${name}=***` : pair,
    );
