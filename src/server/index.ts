// clicktrail/server: postbacks, Stripe webhooks and server-side capture. Edge-safe: fetch, Web Crypto, TextEncoder.

export { fromStripeReference, toStripeReference } from '../core/stripe-ref';
export type { Conversion, ResolvedConversion } from './conversion';
export { type CookieOptions, clickIdCookie, readClickData, readClickId } from './cookie';
export { fromMinorUnits } from './currency';
export { type DedupeStore, type MemoryDedupeOptions, memoryDedupe } from './dedupe';
export {
  ClickTrailError,
  MissingParamsError,
  PostbackError,
  StripeSignatureError,
  type StripeSignatureErrorCode,
  TemplateError,
} from './errors';
export { OutboxError, type OutboxErrorCode } from './outbox/errors';
export { type MemoryOutboxOptions, memoryOutbox } from './outbox/memory';
export { postbackReport, type ReportOptions } from './outbox/report';
export type {
  AttemptOutcome,
  EnqueueResult,
  NewOutboxRow,
  OutboxAttempt,
  OutboxPage,
  OutboxQuery,
  OutboxRow,
  OutboxStats,
  OutboxStatus,
  OutboxStore,
  ReplaySelector,
} from './outbox/row';
export {
  DEFAULT_RETRY_SCHEDULE,
  type RetryPolicy,
  retryDelay,
  scheduleSpan,
  type Verdict,
  verdict,
} from './outbox/schedule';
export {
  type AttemptEvent,
  createWorker,
  type DeliverDueOptions,
  type DeliverySummary,
  type RetentionOptions,
  type StopOptions,
  type Worker,
  type WorkerOptions,
} from './outbox/worker';
export {
  type BuildOptions,
  buildPostbackUrl,
  type CurrencyResult,
  createDispatcher,
  type Dispatch,
  type DispatcherOptions,
  type PostbackRule,
} from './postback';
export {
  type HttpMethod,
  type PostbackOutcome,
  type PostbackRequest,
  type PostbackResult,
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
