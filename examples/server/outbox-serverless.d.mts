/** The Stripe webhook route: 200 once the postbacks are committed. */
export declare const POST: (request: Request) => Promise<Response>;
/** The cron route: delivers what is due (needs `Authorization: Bearer $CRON_SECRET`). */
export declare const GET: (request: Request) => Promise<Response>;
