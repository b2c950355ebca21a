// The --help texts, kept together so every command's usage reads the same.

/** `clicktrail --help`. */
export const MAIN_HELP = `clicktrail: affiliate click-id attribution, from the command line

Usage:
  clicktrail postback <template-or-base> key=value … [options]   print (or send) a postback URL
  clicktrail verify-stripe --secret whsec_… --header '…' < body.json   check a captured Stripe webhook
  clicktrail demo [--port 8080] [--host localhost]                 run the local demo (same as npm start)

Run 'clicktrail <command> --help' for a command's options.
Exit codes: 0 ok, 1 failed (postback refused or not delivered, signature invalid), 2 usage error.`;

/** `clicktrail postback --help`. */
export const POSTBACK_HELP = `Usage: clicktrail postback <template-or-base> key=value … [options]

Prints the final postback URL. A template with placeholders in any dialect ({x} \${x} #x# [x] !!!x!!! {{x}},
also URL-encoded like %7Bx%7D) is rendered with the values; a URL without placeholders is a base URL and
the values are appended as query parameters. Every value is percent-encoded exactly once (RFC 3986).

Options:
  --required a,b        keys that must have a value (default: none)
  --missing MODE        a placeholder with no value: error (default), empty (reported on stderr), keep
  --method GET|POST     how --send delivers it (default GET; POST sends the query as a form body)
  --send                deliver it, then print the status and the number of attempts
  --timeout MS          per-attempt timeout for --send (default 10000)
  --retries N           retries after the first attempt for --send (default 2)
  -h, --help            this help

Examples:
  clicktrail postback https://t.example/postback click_id=abc campaign_id=1 amount=150 \\
    email=john@example.com --required click_id,campaign_id,amount
  clicktrail postback 'https://t.example/pb?cid={affS1}&sum={payout}&src=shop' affS1=abc payout=49.90
  clicktrail postback 'http://127.0.0.1:9000/pb?cid={click_id}' click_id=abc --send --timeout 2000`;

/** `clicktrail verify-stripe --help`. */
export const VERIFY_HELP = `Usage: clicktrail verify-stripe --secret whsec_… --header 't=…,v1=…' < body.json

Checks a captured Stripe webhook the way the server does: HMAC-SHA256 over "t.body" with the endpoint's
signing secret, any v1 signature may match, the timestamp within the tolerance. Says why when it does not.
The body is read from standard input byte for byte: save the raw request body, not re-formatted JSON.

Options:
  --secret whsec_…      the endpoint's signing secret (default: $STRIPE_WEBHOOK_SECRET)
  --header VALUE        the Stripe-Signature header as received
  --tolerance SECONDS   how old the timestamp may be (default 300; 0 = ignore the age of a captured event)
  -h, --help            this help

Exit codes: 0 verifies, 1 does not verify, 2 usage error.`;

/** `clicktrail demo --help`. */
export const DEMO_HELP = `Usage: clicktrail demo [--port 8080] [--host localhost]

Starts the local demo, as 'npm start' does (run it in a clone of the repository after 'npm run build'):
the example shop, the demo server with its Stripe webhook and three postback rules, and a stand-in tracker,
all on 127.0.0.1. Prints the URLs to open; Ctrl-C stops everything.

Options:
  --port N              the shop's port (default: $PORT or 8080; the next free port when taken)
  --host NAME           the hostname printed in the URLs (default localhost); servers listen on 127.0.0.1 only
  -h, --help            this help`;
