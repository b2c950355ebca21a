// Type tests for the public server API (`clicktrail/server`, `clicktrail/server/node`), checked by vitest's typecheck
// project (tsc), and by `npm run typecheck`: a wrong type here fails `npm test` like a failing assertion.
import { describe, expectTypeOf, it } from 'vitest';
import {
  type ClickTrailError,
  type Conversion,
  conversionFromStripe,
  createDispatcher,
  DEFAULT_BODY_LIMITS,
  DEFAULT_DISPATCH_LIMITS,
  type DedupeStore,
  type Dispatch,
  type DispatcherOptions,
  type PostbackOutcome,
  type PostbackResult,
  type PostbackRule,
  type RequestBodyError,
  type RequestBodyErrorCode,
  renderPostback,
  type SendOptions,
  type StripeEvent,
  type StripeSignatureError,
  type StripeSignatureErrorCode,
  sendPostback,
  stripeWebhookHandler,
  type TimeLimitError,
  type UnsafeValueError,
  verifyStripeEvent,
  type WebhookOptions,
} from '../../src/server/index';
import {
  clickIdMiddleware,
  type NodeHandlerOptions,
  type NodeRequestLike,
  type NodeResponseLike,
  nodeWebhookHandler,
  type ProxyOptions,
  toNodeHandler,
} from '../../src/server/node';

describe('clicktrail/server public types', () => {
  it('errors carry their stable codes as literal types', () => {
    expectTypeOf<StripeSignatureError['code']>().toEqualTypeOf<StripeSignatureErrorCode>();
    expectTypeOf<RequestBodyError['code']>().toEqualTypeOf<RequestBodyErrorCode>();
    expectTypeOf<RequestBodyErrorCode>().toEqualTypeOf<'too_large' | 'body_timeout' | 'body_aborted'>();
    expectTypeOf<RequestBodyError['status']>().toEqualTypeOf<413 | 408 | 400>();
    expectTypeOf<UnsafeValueError>().toExtend<ClickTrailError>();
    expectTypeOf<UnsafeValueError['placeholder']>().toBeString();
    expectTypeOf<TimeLimitError['limitMs']>().toBeNumber();
  });

  it('a log entry says how it ended, and where a redirect pointed', () => {
    expectTypeOf<PostbackResult['outcome']>().toEqualTypeOf<PostbackOutcome>();
    expectTypeOf<PostbackOutcome>().toEqualTypeOf<'sent' | 'failed' | 'duplicate' | 'skipped' | 'queued'>();
    expectTypeOf<PostbackResult['location']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(sendPostback).returns.resolves.toEqualTypeOf<PostbackResult>();
  });

  it('send options take a signal; the dispatcher its time limits', () => {
    expectTypeOf<SendOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<DispatcherOptions['hookTimeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<DispatcherOptions['sendTimeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf(DEFAULT_DISPATCH_LIMITS).toExtend<{
      readonly hookTimeoutMs: number;
      readonly sendTimeoutMs: number;
    }>();
    expectTypeOf(DEFAULT_BODY_LIMITS.maxBytes).toBeNumber();
  });

  it('hooks may be async (or return anything): onError and log', () => {
    expectTypeOf<Parameters<typeof stripeWebhookHandler>[0]>().toEqualTypeOf<WebhookOptions>();
    expectTypeOf(stripeWebhookHandler).toBeCallableWith({
      secret: 'whsec_x',
      onConversion: async () => undefined,
      onError: async (error: unknown) => void error,
    });
    expectTypeOf(createDispatcher).toBeCallableWith({
      rules: [],
      log: async (entry: PostbackResult) => void entry,
    });
    const lines: PostbackResult[] = [];
    expectTypeOf(createDispatcher).toBeCallableWith({
      rules: [],
      log: (entry: PostbackResult) => lines.push(entry),
    });
    expectTypeOf(createDispatcher).returns.toEqualTypeOf<Dispatch>();
    expectTypeOf<Dispatch>().parameters.toEqualTypeOf<[Conversion]>();
    expectTypeOf<Dispatch>().returns.resolves.toEqualTypeOf<PostbackResult[]>();
  });

  it('an unset environment variable type-checks as a secret (and is reported at startup, not by tsc)', () => {
    const env: Record<string, string | undefined> = {};
    expectTypeOf(stripeWebhookHandler).toBeCallableWith({
      secret: env.STRIPE_WEBHOOK_SECRET,
      onConversion: () => 1,
    });
    expectTypeOf(verifyStripeEvent).toBeCallableWith('{}', 't=1,v1=00', env.STRIPE_WEBHOOK_SECRET);
    expectTypeOf(verifyStripeEvent).toBeCallableWith(new Uint8Array(), null, ['whsec_a', 'whsec_b']);
    expectTypeOf(verifyStripeEvent).returns.resolves.toEqualTypeOf<StripeEvent>();
  });

  it('conversionFromStripe takes whatever a parse gave, null included', () => {
    expectTypeOf(conversionFromStripe).toBeCallableWith(null);
    expectTypeOf(conversionFromStripe).toBeCallableWith(undefined);
    expectTypeOf(conversionFromStripe).returns.toEqualTypeOf<Conversion | null>();
    expectTypeOf<Conversion['event']>().toExtend<string | undefined>();
  });

  it('rules and stores keep their shapes', () => {
    expectTypeOf<PostbackRule['method']>().toEqualTypeOf<'GET' | 'POST' | undefined>();
    expectTypeOf<PostbackRule['body']>().toEqualTypeOf<'form' | 'json' | undefined>();
    expectTypeOf<DedupeStore['claim']>().returns.toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(renderPostback).returns.toBeString();
    // @ts-expect-error: a rule's method is GET or POST only
    const put: PostbackRule = { id: 'x', url: 'https://t.example/', method: 'PUT' };
    void put;
  });
});

describe('clicktrail/server/node public types', () => {
  it('the adapters take body limits and the trust-proxy option', () => {
    expectTypeOf<NodeHandlerOptions['maxBodyBytes']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NodeHandlerOptions['bodyTimeoutMs']>().toEqualTypeOf<number | undefined>();
    expectTypeOf<NodeHandlerOptions>().toExtend<ProxyOptions>();
    expectTypeOf<ProxyOptions['trustProxy']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf(clickIdMiddleware).toBeCallableWith({ trustProxy: true, keep: ['affid'], days: 30 });
    expectTypeOf(nodeWebhookHandler).toBeCallableWith({
      secret: 'whsec_x',
      onConversion: () => undefined,
      maxBodyBytes: 65_536,
      bodyTimeoutMs: 5_000,
    });
    expectTypeOf(toNodeHandler(async () => new Response())).toEqualTypeOf<
      (req: NodeRequestLike, res: NodeResponseLike) => Promise<void>
    >();
  });
});
