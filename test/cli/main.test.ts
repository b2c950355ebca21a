import { describe, expect, it, vi } from 'vitest';
import type { DemoModule } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import { fakeIo } from './fake-io';

describe('clicktrail', () => {
  it('prints the usage on stderr and exits 2 without a command', async () => {
    const f = fakeIo();
    expect(await main([], f.io)).toBe(2);
    expect(f.stderr()).toContain('Usage:');
    expect(f.stdout()).toBe('');
  });

  it('prints the usage on stdout and exits 0 with --help, -h or help', async () => {
    for (const flag of ['--help', '-h', 'help']) {
      const f = fakeIo();
      expect(await main([flag], f.io)).toBe(0);
      for (const command of ['postback', 'verify-stripe', 'demo'])
        expect(f.stdout()).toContain(`clicktrail ${command}`);
    }
  });

  it('prints the version with --version or -v', async () => {
    for (const flag of ['--version', '-v']) {
      const f = fakeIo();
      expect(await main([flag], f.io)).toBe(0);
      expect(f.stdout()).toBe('9.8.7');
    }
  });

  it('names an unknown command and exits 2', async () => {
    const f = fakeIo();
    expect(await main(['postbak'], f.io)).toBe(2);
    expect(f.stderr()).toContain("unknown command 'postbak'");
    expect(await main(['constructor'], fakeIo().io)).toBe(2);
  });
});

describe('clicktrail demo', () => {
  const fakeDemo = () => {
    const close = vi.fn(async () => undefined);
    const startDemo = vi.fn(async (_options: Parameters<DemoModule['startDemo']>[0]) => ({
      urls: {},
      close,
    }));
    return { close, startDemo, module: { startDemo } };
  };

  it('starts the demo with the given port and host, and closes it when stopped (Ctrl-C)', async () => {
    const demo = fakeDemo();
    const f = fakeIo({ loadDemo: async () => demo.module });
    const exit = main(['demo', '--port', '9000', '--host', 'shop.localhost'], f.io);
    await vi.waitFor(() => expect(demo.startDemo).toHaveBeenCalled());
    expect(demo.startDemo.mock.calls[0]?.[0]).toMatchObject({ port: 9000, host: 'shop.localhost' });
    expect(demo.close).not.toHaveBeenCalled();
    f.stop();
    expect(await exit).toBe(0);
    expect(demo.close).toHaveBeenCalledOnce();
  });

  it('explains that the demo needs a clone of the repository where it is not there (the npm package)', async () => {
    const f = fakeIo({ loadDemo: async () => undefined });
    expect(await main(['demo'], f.io)).toBe(1);
    expect(f.stderr()).toContain('the demo ships with the repository');
    expect(f.stderr()).toContain('npm start');
  });

  it('checks --port and prints its help', async () => {
    expect(await main(['demo', '--port', 'eighty'], fakeIo().io)).toBe(2);
    const f = fakeIo();
    expect(await main(['demo', '--help'], f.io)).toBe(0);
    expect(f.stdout()).toContain('Usage: clicktrail demo');
  });
});
