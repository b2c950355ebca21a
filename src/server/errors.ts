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
