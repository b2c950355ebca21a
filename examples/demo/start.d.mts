/** The demo endpoint's Stripe signing secret (a demo value). */
export declare const DEMO_WEBHOOK_SECRET: string;

/** One request the stand-in tracker received. */
export interface TrackerRecord {
  at: string;
  method: string;
  path: string;
  /** The query exactly as sent (still percent-encoded). */
  rawQuery: string;
  /** The query's pairs, decoded, in order. */
  query: [string, string][];
  contentType: string;
  body: string;
  /** A form or JSON body's pairs, decoded. */
  bodyParams: [string, string][];
}

/** A postback log entry (clicktrail/server's PostbackResult) with the transaction it was for. */
export interface DemoPostback {
  rule: string;
  template: string;
  url: string;
  method: 'GET' | 'POST';
  outcome: string;
  ok: boolean;
  status?: number;
  attempts: number;
  error?: string;
  transactionId: string;
}

/** A running demo. */
export interface Demo {
  urls: {
    landing: string;
    pricing: string;
    demo: string;
    report: string;
    site: string;
    webhook: string;
    tracker: string;
  };
  /** The site's port. */
  port: number;
  state: {
    postbacks: DemoPostback[];
    events: { id: string; type: string; conversion: Record<string, unknown> }[];
    tracker: { records: TrackerRecord[] };
  };
  /** Stops every server and drops open connections. */
  close(): Promise<void>;
}

/** Starts the demo site, the demo server and the stand-in tracker on 127.0.0.1. */
export declare function startDemo(options?: {
  /** The site's port; default $PORT or 8080 (the next free one when taken); 0 = any free port. */
  port?: number;
  /** Serve the site over HTTPS with this key and certificate. */
  https?: { key: string; cert: string };
  /** Hostname printed in the URLs. Default 'localhost'. */
  host?: string;
  /** Receives the lines worth showing. Default console.log. */
  log?: (line: string) => void;
  /** The webhook signing secret. Default DEMO_WEBHOOK_SECRET. */
  secret?: string;
}): Promise<Demo>;
