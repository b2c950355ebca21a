import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';
import { fakeIo } from './fake-io';

const run = async (...argv: string[]) => {
  const f = fakeIo();
  const code = await main(['postback', ...argv], f.io);
  return { code, stdout: f.stdout(), stderr: f.stderr() };
};

describe('clicktrail postback: printing the URL', () => {
  it('builds the Tracknow seed example byte for byte from a base URL and key=value pairs', async () => {
    const r = await run(
      'https://exmaple-tracking.tracknow.info/postback',
      'click_id=a520dca8-ab08-4640-af65-034be3a68909',
      'campaign_id=1',
      'order_id=23315',
      'amount=150',
      'first_name=John',
      'email=john.example@gmail.com',
      '--required',
      'click_id,campaign_id,amount',
    );
    expect(r).toEqual({
      code: 0,
      stdout:
        'https://exmaple-tracking.tracknow.info/postback?click_id=a520dca8-ab08-4640-af65-034be3a68909&campaign_id=1&order_id=23315&amount=150&first_name=John&email=john.example%40gmail.com',
      stderr: '',
    });
  });

  it('names every missing required key on stderr and exits 1', async () => {
    const r = await run('https://t.example/pb', 'click_id=abc', '--required', 'click_id,campaign_id,amount');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('campaign_id, amount');
  });

  it('renders a template in any dialect, encoding each value once and leaving static params alone', async () => {
    const r = await run(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${payout} is a postback placeholder, not JavaScript.
      'https://t.example/pb?cid={affS1}&sum=${payout}&sub=#sub1#&n=%7Bnote%7D&src=shop%20a',
      'affS1=a&b=c',
      'payout=49.90',
      'sub1=x y',
      'note=100%',
    );
    expect(r).toEqual({
      code: 0,
      stdout: 'https://t.example/pb?cid=a%26b%3Dc&sum=49.90&sub=x%20y&n=100%25&src=shop%20a',
      stderr: '',
    });
  });

  it('with --missing error, refuses a template placeholder that has no value (exit 1), naming it and the fixes', async () => {
    const r = await run('https://t.example/pb?cid={click_id}&s=[sub2]', 'click_id=abc', '--missing', 'error');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no value for placeholder(s) sub2');
    expect(r.stderr).toContain('--missing empty|keep');
  });

  it('leaves a missing placeholder empty (the library default) or as written, and reports it on stderr', async () => {
    const empty = await run('https://t.example/pb?cid={click_id}&s=[sub2]', 'click_id=abc');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toBe('https://t.example/pb?cid=abc&s=');
    expect(empty.stderr).toContain('no value for placeholder(s) sub2: left empty');
    const keep = await run('https://t.example/pb?cid={click_id}&s=[sub2]', 'click_id=abc', '--missing=keep');
    expect(keep.stdout).toBe('https://t.example/pb?cid=abc&s=[sub2]');
    expect(keep.stderr).toContain('kept as written');
  });

  it('checks --required against a template too, and warns about values no placeholder uses', async () => {
    const missing = await run('https://t.example/pb?cid={click_id}', 'click_id=', '--required', 'click_id');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('click_id');
    const unused = await run('https://t.example/pb?cid={CLICKID}', 'clickid=abc', 'clikcid=typo');
    expect(unused.code).toBe(0);
    expect(unused.stdout).toBe('https://t.example/pb?cid=abc');
    expect(unused.stderr).toBe('warning: the template has no placeholder for clikcid');
  });

  it('answers usage errors with exit 2 and a pointer to --help', async () => {
    for (const argv of [
      [],
      ['not-a-url'],
      ['https://t.example/', 'oops'],
      ['https://t.example/', '--method', 'PUT'],
    ]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain("Run 'clicktrail postback --help'");
    }
    const r = await run('https://t.example/', '--missing', 'sometimes');
    expect(r.stderr).toContain('--missing must be one of empty, keep, error');
  });

  it('prints its help with --help and -h', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await run(flag);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('Usage: clicktrail postback <template-or-base> key=value');
      expect(r.stdout).toContain('--missing MODE');
      expect(r.stdout).toContain('--body form|json');
      // The library's defaults, not the CLI's own.
      expect(r.stdout).toContain('retries after the first attempt for --send (default 3)');
    }
  });
});

describe('clicktrail postback --send', () => {
  const seen: { method?: string; url?: string; body: string; type?: string }[] = [];
  let failuresLeft = 0;
  let origin = '';
  const server = createServer(async (req: IncomingMessage, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    seen.push({ method: req.method, url: req.url, body, type: req.headers['content-type'] });
    if (req.url?.startsWith('/missing')) res.writeHead(404).end('no');
    else if (req.url?.startsWith('/flaky') && failuresLeft-- > 0)
      res.writeHead(503, { 'retry-after': '0' }).end('busy');
    else res.writeHead(200).end('OK');
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('delivers a GET and prints the URL, the status and the attempts', async () => {
    seen.length = 0;
    const r = await run(`${origin}/pb?cid={click_id}&src=cli`, 'click_id=a b', '--send');
    expect(r).toEqual({
      code: 0,
      stdout: `${origin}/pb?cid=a%20b&src=cli\nstatus: 200\nattempts: 1`,
      stderr: '',
    });
    expect(seen).toEqual([{ method: 'GET', url: '/pb?cid=a%20b&src=cli', body: '', type: undefined }]);
  });

  it('delivers a POST with the query as a form body', async () => {
    seen.length = 0;
    const r = await run(`${origin}/s2s`, 'click_id=x&y', 'amount=5', '--method', 'post', '--send');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('method: POST (form body)');
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/s2s',
        body: 'click_id=x%26y&amount=5',
        type: 'application/x-www-form-urlencoded',
      },
    ]);
  });

  it('retries a 503 and reports the attempts', async () => {
    seen.length = 0;
    failuresLeft = 1;
    const r = await run(`${origin}/flaky`, 'k=1', '--send', '--retries', '2');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('status: 200\nattempts: 2');
    expect(seen).toHaveLength(2);
  });

  it('exits 1 with the reason when the tracker refuses, without retrying a 404', async () => {
    seen.length = 0;
    const r = await run(`${origin}/missing`, 'k=1', '--send');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('status: 404\nattempts: 1');
    expect(r.stderr).toContain('not delivered after 1 attempt(s): HTTP 404');
    expect(seen).toHaveLength(1);
  });

  it('refuses a --timeout that is not a number', async () => {
    const r = await run(`${origin}/pb`, '--send', '--timeout', 'soon');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--timeout must be a whole number, got 'soon'");
  });

  it('refuses a --timeout of 0 and more than 100 --retries as usage errors, sending nothing', async () => {
    seen.length = 0;
    const zero = await run(`${origin}/pb`, '--send', '--timeout', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--timeout must be from 1 to 2147483647 ms, got '0'");
    const many = await run(`${origin}/pb`, '--send', '--retries', '1000');
    expect(many.code).toBe(2);
    expect(many.stderr).toContain("--retries must be at most 100, got '1000'");
    expect(seen).toHaveLength(0);
  });
});
