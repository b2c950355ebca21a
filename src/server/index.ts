// clicktrail/server: postbacks, Stripe webhooks and server-side capture. Edge-safe: fetch, Web Crypto, TextEncoder.

export type { Attribution } from '../core/attribution';
export type { ClickData } from '../core/click';
export { fromStripeReference, toStripeReference } from '../core/stripe-ref';
export type { Conversion, ResolvedConversion } from './conversion';
export { type CookieOptions, clickIdCookie, readClickData, readClickId, type StoredClick } from './cookie';
export { fromMinorUnits } from './currency';
export { type DedupeStore, type MemoryDedupeOptions, memoryDedupe } from './dedupe';
export { createDispatcher, DEFAULT_DISPATCH_LIMITS, type Dispatch, type DispatcherOptions } from './dispatch';
export {
  ClickTrailError,
  MissingParamsError,
  PostbackError,
  RequestBodyError,
  type RequestBodyErrorCode,
  StripeSignatureError,
  type StripeSignatureErrorCode,
  TemplateError,
  TimeLimitError,
  UnsafeValueError,
} from './errors';
export type { OutboxDispatch } from './outbox/dispatch';
export { OutboxError, type OutboxErrorCode } from './outbox/errors';
export { type MemoryOutboxOptions, memoryOutbox } from './outbox/memory';
export { postbackReport, type ReportOptions } from './outbox/report';
export type {
  AttemptOutcome,
  AttemptRecord,
  ClaimOptions,
  EnqueueResult,
  NewOutboxRow,
  OutboxAttempt,
  OutboxPage,
  OutboxQuery,
  OutboxRow,
  OutboxStats,
  OutboxStatus,
  OutboxStore,
  PruneOptions,
  ReplaySelector,
} from './outbox/row';
export { DEFAULT_RETRY_SCHEDULE, type RetryPolicy, scheduleDelay, scheduleSpan } from './outbox/schedule';
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
export { type BuildOptions, buildPostbackUrl } from './postback-url';
export { type BodyLimits, DEFAULT_BODY_LIMITS } from './read-body';
export {
  type HttpMethod,
  type PostbackBody,
  type PostbackRequest,
  postbackRequest,
  type RequestOptions,
} from './request';
export type { CurrencyResult, PostbackRule } from './rules';
export {
  DEFAULT_SEND_OPTIONS,
  type PostbackOutcome,
  type PostbackResult,
  type SendOptions,
  sendPostback,
} from './send';
export {
  conversionFromStripe,
  DEFAULT_TOLERANCE_SECONDS,
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
  templatePlaceholders,
} from './template';
export type { TemplateValue, TemplateValues } from './values';
export { stripeWebhookHandler, type WebhookOptions } from './webhook';
