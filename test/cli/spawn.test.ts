import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';

// The built bin, as npm links it: proves the bundle, the shebang and the process wiring (argv, stdin, exit code).
const CLI = 'dist/cli.js';
const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8' });

describe('dist/cli.js', () => {
  it('is built, with a shebang', async () => {
    expect(existsSync(CLI), 'run `npx rollup -c` first').toBe(true);
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('prints a postback URL and exits 0; exits 1 naming missing keys; exits 2 on a usage error', () => {
    const ok = cli(['postback', 'https://t.example/pb?cid={click_id}', 'click_id=a&b']);
    expect([ok.status, ok.stdout, ok.stderr]).toEqual([0, 'https://t.example/pb?cid=a%26b\n', '']);
    const missing = cli(['postback', 'https://t.example/pb', 'click_id=a', '--required', 'click_id,amount']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('amount');
    expect(cli(['postback', '--bogus']).status).toBe(2);
  });

  it('verifies a webhook body read from stdin, byte for byte', () => {
    const secret = 'whsec_spawn';
    const body =
      '{\n  "id": "evt_spawn",\n  "type": "charge.refunded",\n  "data": { "object": { "note": "ü" } }\n}';
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload: body, secret });
    const ok = cli(['verify-stripe', '--secret', secret, '--header', header], body);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('verifies: evt_spawn charge.refunded');
    const bad = cli(['verify-stripe', '--secret', secret, '--header', header], body.replace('ü', 'u'));
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('does not verify [no_match]');
  });
});
