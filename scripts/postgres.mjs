// A throwaway PostgreSQL cluster for the tests and the benchmark: initdb into a temporary directory, start it on a
// free port on 127.0.0.1 (socket in the same directory), stop it and delete everything afterwards. Runs the server
// as the `postgres` user when we are root (it refuses to run as root), as ourselves otherwise.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where initdb and pg_ctl are: $PG_BIN, Debian's newest /usr/lib/postgresql/<v>/bin, or PATH. */
export const findPostgresBin = () => {
  const candidates = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  try {
    const versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // Not Debian's layout.
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const postgresUid = () => {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('postgres:'));
  if (!line) return undefined;
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
};

/**
 * Starts a cluster. `fast: true` (the tests) turns fsync off: the tests kill clients, never the server, and want
 * speed; the benchmark keeps the defaults, so its figures are what a real server does. Resolves to
 * `{ url, port, dir, stop() }`; rejects with an Error whose message says why it cannot (no binaries, …).
 */
export const startPostgres = async ({ fast = true } = {}) => {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(
      'PostgreSQL is not installed (no initdb/pg_ctl found): apt-get install -y postgresql, or set PG_BIN',
    );
  const root = process.getuid?.() === 0;
  const owner = root ? postgresUid() : undefined;
  if (root && !owner) throw new Error('running as root and there is no postgres user to run the server as');
  const dir = mkdtempSync(join(tmpdir(), 'clicktrail-pg-'));
  const data = join(dir, 'data');
  if (owner) chownSync(dir, owner.uid, owner.gid);
  // As the postgres user when root: spawn with its uid/gid (no runuser/su needed), HOME pointed at the cluster.
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const env = { ...process.env, HOME: dir, LC_ALL: 'C', PGTZ: 'UTC' };
  const run = (cmd, args) => {
    const r = spawnSync(join(bin, cmd), args, { ...as, env, cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${(r.stderr || r.stdout || String(r.error)).trim()}`);
    return r.stdout;
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stop);
    spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'], { ...as, env, cwd: dir });
    rmSync(dir, { recursive: true, force: true });
  };
  // pg_ctl detaches the server: a run that crashes or exits before its teardown would leave it running (its port,
  // its directory) until the machine restarts. 'exit' handlers run on those paths too, and stop() is synchronous.
  process.once('exit', stop);
  try {
    run('initdb', [
      '--no-sync',
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-instructions',
    ]);
    const settings = fast ? ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off' : '';
    // A port can be taken between finding it free and the server binding it: try a few.
    for (let i = 0; ; i++) {
      const port = await freePort();
      try {
        run('pg_ctl', [
          '-D',
          data,
          '-l',
          join(dir, 'server.log'),
          '-w',
          '-t',
          '60',
          '-o',
          `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200${settings}`,
          'start',
        ]);
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, port, dir, stop };
      } catch (e) {
        if (i >= 2) throw e;
      }
    }
  } catch (e) {
    let log = '';
    try {
      log = readFileSync(join(dir, 'server.log'), 'utf8').trim().split('\n').slice(-5).join('\n');
    } catch {}
    stop();
    throw new Error(`PostgreSQL could not start: ${e.message}${log ? `\n${log}` : ''}`);
  }
};

/** Creates a database on the cluster and resolves to its connection string. */
export const createDatabase = async (url, name) => {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return String(u);
};

// `node scripts/postgres.mjs`: start one and print its URL until Ctrl-C (handy for trying the CLI against it).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const pg = await startPostgres({ fast: false });
  console.log(pg.url);
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const stop = () => {
    clearInterval(keepAlive);
    pg.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
