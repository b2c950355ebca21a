/** Base class of every error clicktrail's server module throws; `code` is stable, the message is for humans. */
export class ClickTrailError extends Error {
  /** A stable, machine-readable reason. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Required postback parameters were missing, null or empty; `missing` names every one of them. */
export class MissingParamsError extends ClickTrailError {
  /** The keys that were missing, in the order they were required. */
  readonly missing: string[];

  constructor(missing: string[], what = 'postback') {
    super('missing_params', `Missing required ${what} parameter(s): ${missing.join(', ')}`);
    this.missing = missing;
  }
}

/** A template used placeholders no value was given for (with `missing: 'error'`). */
export class TemplateError extends ClickTrailError {
  /** The unknown placeholder names, each once, in order of appearance. */
  readonly placeholders: string[];

  constructor(placeholders: string[]) {
    super(
      'unknown_placeholder',
      `No value for placeholder(s) ${placeholders.map((p) => `{${p}}`).join(', ')}: pass them in values, or use { missing: 'empty' | 'keep' }`,
    );
    this.placeholders = placeholders;
  }
}

/** Why a Stripe webhook was refused. */
export type StripeSignatureErrorCode =
  | 'raw_body'
  | 'header_missing'
  | 'header_malformed'
  | 'timestamp'
  | 'no_match';

/** A Stripe webhook failed verification; answer it with 400. The message says what to fix. */
export class StripeSignatureError extends ClickTrailError {
  declare readonly code: StripeSignatureErrorCode;

  constructor(code: StripeSignatureErrorCode, message: string) {
    super(code, message);
  }
}

/** One or more postbacks failed after every retry; `results` holds their log entries. */
export class PostbackError extends ClickTrailError {
  /** The failed log entries. */
  readonly results: readonly { rule?: string; error?: string }[];

  constructor(results: readonly { rule?: string; error?: string }[]) {
    super(
      'postback_failed',
      `${results.length} postback(s) failed: ${results.map((r) => `${r.rule ?? 'postback'} (${r.error ?? 'failed'})`).join('; ')}`,
    );
    this.results = results;
  }
}

/** A hook (dedupe store call, currency hook, delivery) took longer than its time limit; code `time_limit`. */
export class TimeLimitError extends ClickTrailError {
  /** The limit that was exceeded, in ms. */
  readonly limitMs: number;

  constructor(what: string, limitMs: number, option: string) {
    super('time_limit', `${what} took longer than ${limitMs} ms (${option})`);
    this.limitMs = limitMs;
  }
}

/** Why a request body was refused before it was verified. */
export type RequestBodyErrorCode = 'too_large' | 'body_timeout' | 'body_aborted';

/** A request body was too large, too slow or cut off; `status` is the HTTP answer (413, 408, 400). */
export class RequestBodyError extends ClickTrailError {
  declare readonly code: RequestBodyErrorCode;
  /** The HTTP status to answer with. */
  readonly status: 413 | 408 | 400;

  constructor(code: RequestBodyErrorCode, message: string) {
    super(code, message);
    this.status = code === 'too_large' ? 413 : code === 'body_timeout' ? 408 : 400;
  }
}

/**
 * A value would have changed which path a postback goes to (a path segment made `.` or `..`, which URL parsers
 * resolve away); code `unsafe_value`. The postback is not sent.
 */
export class UnsafeValueError extends ClickTrailError {
  /** The placeholder whose value was refused. */
  readonly placeholder: string;

  constructor(placeholder: string, segment: string) {
    super(
      'unsafe_value',
      `The value of {${placeholder}} makes the path segment '${segment}', which URL parsers resolve away ` +
        '(the postback would go to another path): not sent. Put such values in the query instead.',
    );
    this.placeholder = placeholder;
  }
}
