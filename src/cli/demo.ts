import { parseArgs, UsageError } from './args';
import { DEMO_HELP } from './help';
import { EXIT, type Io } from './io';

/** `clicktrail demo`: starts examples/demo/start.mjs as `npm start` does and stops it on Ctrl-C. */
export const demo = async (argv: string[], io: Io): Promise<number> => {
  const { options, positionals } = parseArgs(argv, { port: 'string', host: 'string' });
  if (options.help) {
    io.out(DEMO_HELP);
    return EXIT.ok;
  }
  if (positionals.length) throw new UsageError(`unexpected argument '${positionals[0]}'`);
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65536)) {
    throw new UsageError(`--port must be a port number, got '${options.port}'`);
  }
  let module_: Awaited<ReturnType<Io['loadDemo']>>;
  try {
    module_ = await io.loadDemo();
  } catch (error) {
    io.err(
      `clicktrail demo: the demo ships with the repository (examples/demo/), not with the npm package; clone the repository and run 'npm start' (${error instanceof Error ? error.message : String(error)})`,
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
