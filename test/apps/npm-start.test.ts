// `npm start` as a person runs it: Ctrl-C (SIGINT to the terminal's whole process group) stops it with exit code 0;
// SIGTERM to npm alone (a process manager, `kill <npm pid>`) stops the demo too, leaving no server behind.
// (In the apps step: `npm start` rebuilds dist/ when it is stale, which must not happen while unit tests read it.)
import { spawn } from 'node:child_process';

import { afterEach, describe, expect, it } from 'vitest';
import { isListening } from '../net';
import { ROOT } from './lib';

// Each run's process group: whatever a failing test leaves behind (an orphaned demo server keeps the group) is
// killed, and nothing else.
const groups: number[] = [];
afterEach(() => {
  for (const pid of groups.splice(0))
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
});

/** Starts `npm start -- --port 0` in a process group of its own, resolving once the demo prints its URLs. */
const npmStart = () =>
  new Promise<{ pid: number; ports: number[]; exit: Promise<number | string>; output: () => string }>(
    (resolve, reject) => {
      const child = spawn('npm', ['start', '--', '--port', '0'], {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_'))),
      });
      groups.push(child.pid!);
      let output = '';
      const exit = new Promise<number | string>((done) =>
        child.once('exit', (code, signal) => done(code ?? signal ?? 'unknown')),
      );
      const timer = setTimeout(() => {
        process.kill(-child.pid!, 'SIGKILL');
        reject(new Error(`npm start did not print its URLs:\n${output}`));
      }, 90_000);
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (/stand-in tracker.*\/received/.test(output)) {
          clearTimeout(timer);
          const ports = [...output.matchAll(/http:\/\/[^:\s]+:(\d+)\//g)].map((m) => Number(m[1]));
          resolve({ pid: child.pid!, ports: [...new Set(ports)], exit, output: () => output });
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
    },
  );

describe('npm start', () => {
  it('exits 0 on Ctrl-C and stops every server', async () => {
    const demo = await npmStart();
    expect(demo.ports).toHaveLength(3); // site, demo server, tracker
    for (const port of demo.ports) expect(await isListening(port)).toBe(true);
    process.kill(-demo.pid, 'SIGINT');
    expect(await demo.exit, demo.output()).toBe(0);
    for (const port of demo.ports) expect(await isListening(port)).toBe(false);
  });

  it('stops the demo when npm alone gets SIGTERM, leaving no server behind', async () => {
    const demo = await npmStart();
    process.kill(demo.pid, 'SIGTERM');
    expect(await demo.exit, demo.output()).toBe(0);
    // The demo is npm's own child (exec): it got the signal and closed; nothing orphaned keeps a port.
    for (const port of demo.ports) expect(await isListening(port)).toBe(false);
  });
});
