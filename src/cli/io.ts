/** Everything a command touches outside itself, so commands run in tests without a process. */
export interface Io {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** The whole of standard input, byte for byte (a trailing newline is kept: a signature covers it). */
  readStdin(): Promise<Uint8Array>;
  /** Environment variables (STRIPE_WEBHOOK_SECRET, PORT). */
  env: Record<string, string | undefined>;
  /** Resolves when the user asks a long-running command to stop (Ctrl-C, SIGTERM). */
  untilStopped(): Promise<void>;
  /**
   * Loads the demo (examples/demo/start.mjs), which ships with the repository, not with the package: undefined
   * where it is not there.
   */
  loadDemo(): Promise<DemoModule | undefined>;
  /** The package's version, for --version. */
  version: string;
}

/** What `clicktrail demo` needs from examples/demo/start.mjs. */
export interface DemoModule {
  startDemo(options: { port?: number; host?: string; log?: (line: string) => void }): Promise<{
    urls: Record<string, string>;
    close(): Promise<void>;
  }>;
}

/** Exit codes: 0 success, 1 the thing checked failed (postback refused, signature invalid), 2 a usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
