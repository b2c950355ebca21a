import type { DemoModule, Io } from '../../src/cli/io';

/** An Io that records what a command printed, with the given stdin and environment. */
export const fakeIo = (
  options: {
    stdin?: string | Uint8Array;
    env?: Record<string, string>;
    loadDemo?: () => Promise<DemoModule | undefined>;
  } = {},
) => {
  const out: string[] = [];
  const err: string[] = [];
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const io: Io = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readStdin: async () =>
      typeof options.stdin === 'string'
        ? new TextEncoder().encode(options.stdin)
        : (options.stdin ?? new Uint8Array()),
    env: options.env ?? {},
    untilStopped: () => stopped,
    loadDemo: options.loadDemo ?? (async () => undefined),
    version: '9.8.7',
  };
  return {
    io,
    /** Simulates Ctrl-C. */
    stop,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
};
