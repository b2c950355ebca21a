import type { OutboxStore, Worker } from '../../src/server/index';

/** The demo endpoint's Stripe signing secret (a demo value). */
export declare const DEMO_WEBHOOK_SECRET: string;

/** Where `npm start` keeps its SQLite outbox (.clicktrail/demo.db in the repository). */
export declare const DEMO_DB: string;

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

/** A running demo. */
export interface Demo {
  urls: {
    landing: string;
    pricing: string;
    demo: string;
    report: string;
    site: string;
    webhook: string;
    /** The page listing what the tracker received. */
    received: string;
    /** The tracker's own JSON list. */
    tracker: string;
  };
  /** The site's port. */
  port: number;
  state: {
    /** What the stand-in tracker received. */
    tracker: { records: TrackerRecord[] };
    /** The demo server's postback outbox (SQLite): the postback log. */
    outbox: OutboxStore;
    /** The worker delivering from it (started). */
    worker: Worker;
  };
  /** The outbox's SQLite file. */
  db: string;
  /** Stops the worker (in-flight postbacks finish), every server, and closes the outbox. */
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
  /** The outbox's SQLite file (created when missing). Default DEMO_DB. */
  db?: string;
}): Promise<Demo>;
