// clicktrail/server: postbacks, Stripe webhooks and server-side capture. Edge-safe: fetch, Web Crypto, TextEncoder.

export type { Conversion, ResolvedConversion } from './conversion';
export { type CookieOptions, clickIdCookie, readClickData, readClickId } from './cookie';
export { currencyExponent, fromMinorUnits } from './currency';
export { type DedupeStore, type MemoryDedupeOptions, memoryDedupe } from './dedupe';
export {
  ClickTrailError,
  MissingParamsError,
  PostbackError,
  StripeSignatureError,
  type StripeSignatureErrorCode,
  TemplateError,
} from './errors';
export {
  type BuildOptions,
  buildPostbackUrl,
  type CurrencyResult,
  createDispatcher,
  type Dispatch,
  type DispatcherOptions,
  matchesRule,
  type PostbackRule,
} from './postback';
export { redactUrl } from './redact';
export {
  type HttpMethod,
  type PostbackOutcome,
  type PostbackRequest,
  type PostbackResult,
  parseRetryAfter,
  type SendOptions,
  sendPostback,
} from './send';
export {
  conversionFromStripe,
  type StripeConversionOptions,
  type StripeEvent,
  type VerifyOptions,
  verifyStripeEvent,
} from './stripe';
export {
  type MissingMode,
  type RenderOptions,
  type RenderResult,
  renderPostback,
  renderPostbackDetailed,
  type TemplateValue,
  type TemplateValues,
} from './template';
export { stripeWebhookHandler, type WebhookOptions } from './webhook';
