import { UsageError } from './args';
import { demo } from './demo';
import { MAIN_HELP } from './help';
import { EXIT, type Io } from './io';
import { postback } from './postback';
import { verifyStripe } from './verify-stripe';

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  postback,
  'verify-stripe': verifyStripe,
  demo,
};

/** Runs the clicktrail command line (`argv` without node and the script) and resolves with the exit code. */
export const main = async (argv: readonly string[], io: Io): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(MAIN_HELP);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`clicktrail: unknown command '${name}'\n\n${MAIN_HELP}`);
    return EXIT.usage;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`clicktrail ${name}: ${error.message}\nRun 'clicktrail ${name} --help' for usage.`);
      return EXIT.usage;
    }
    io.err(`clicktrail ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
};
