import { concatBytes } from './bytes';
import { RequestBodyError } from './errors';

/** How much of a request body is read, and for how long. */
export interface BodyLimits {
  /** Larger bodies are refused (413) as soon as they are known to be larger. */
  maxBytes: number;
  /** The whole body must arrive within this many ms (else 408). */
  timeoutMs: number;
}

/** Default request body limits: 1 MiB (Stripe events are a few KB) and 10 s. */
export const DEFAULT_BODY_LIMITS: Readonly<BodyLimits> = Object.freeze({
  maxBytes: 1 << 20,
  timeoutMs: 10_000,
});

const tooLarge = (maxBytes: number) =>
  new RequestBodyError('too_large', `The request body is larger than ${maxBytes} bytes (maxBodyBytes).`);

/**
 * Reads a Fetch Request's body as bytes within the limits, without ever holding more than `maxBytes` (+ one chunk):
 * a declared Content-Length over the limit is refused before reading, a stream that grows past it or does not end in
 * time is cancelled. Throws RequestBodyError (`too_large` 413, `body_timeout` 408, `body_aborted` 400).
 */
export const readBody = async (request: Request, limits: BodyLimits): Promise<Uint8Array> => {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), limits.timeoutMs);
  });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), deadline]);
      if (next === 'timeout')
        throw new RequestBodyError(
          'body_timeout',
          `The request body did not arrive within ${limits.timeoutMs} ms (bodyTimeoutMs).`,
        );
      if (next.done) return concatBytes(chunks);
      size += next.value.length;
      if (size > limits.maxBytes) throw tooLarge(limits.maxBytes);
      chunks.push(next.value);
    }
  } catch (e) {
    // Stop the sender: nothing more of this body will be read.
    reader.cancel().catch(() => undefined);
    if (e instanceof RequestBodyError) throw e;
    throw new RequestBodyError('body_aborted', 'The request body was cut off before it ended.');
  } finally {
    clearTimeout(timer);
  }
};
