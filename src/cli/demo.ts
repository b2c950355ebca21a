import { type CommandSpec, type ParsedArgs, UsageError } from './args';
import { EXIT, type Io } from './io';

/** `clicktrail demo`: its usage, help and options. */
export const DEMO: CommandSpec = {
  name: 'demo',
  args: '[--port 8080] [--host localhost]',
  summary: 'run the local demo (in a clone of the repository)',
  description: `Starts the local demo, as 'npm start' does: the example shop, the demo server with its Stripe webhook
and three postback rules, and a stand-in tracker, all on 127.0.0.1. Prints the URLs to open; Ctrl-C stops
everything. The demo ships with the repository, not with the npm package: run it in a clone after 'npm run build'.`,
  options: {
    port: {
      type: 'string',
      value: 'N',
      help: "the shop's port; the next free port when taken (default: $PORT or 8080)",
    },
    host: {
      type: 'string',
      value: 'NAME',
      help: 'the hostname printed in the URLs; servers listen on 127.0.0.1 only',
      default: 'localhost',
    },
  },
};

/** `clicktrail demo`: starts examples/demo/start.mjs as `npm start` does and stops it on Ctrl-C. */
export const demo = async ({ options, positionals }: ParsedArgs, io: Io): Promise<number> => {
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new UsageError(`--port must be a port number, got '${options.port}'`);
  }
  const module_ = await io.loadDemo();
  if (!module_) {
    io.err(
      'clicktrail demo: the demo ships with the repository (examples/demo/), not with the npm package. ' +
        'Run it from a clone: git clone https://github.com/clicktrail/clicktrail && cd clicktrail && npm start',
    );
    return EXIT.failed;
  }
  const running = await module_.startDemo({
    ...(port === undefined ? {} : { port }),
    ...(typeof options.host === 'string' ? { host: options.host } : {}),
    log: io.out,
  });
  await io.untilStopped();
  io.out('stopping the demo…');
  await running.close();
  return EXIT.ok;
};
