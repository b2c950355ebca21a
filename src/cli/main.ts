import { type CommandSpec, commandHelp, type ParsedArgs, parseCommand, UsageError } from './args';
import { DEMO, demo } from './demo';
import { EXIT, type Io } from './io';
import { LOG, log } from './log';
import { POSTBACK, postback } from './postback';
import { REPLAY, replay } from './replay';
import { VERIFY_STRIPE, verifyStripe } from './verify-stripe';

/** A command: its option table, and what it does with the parsed arguments. */
interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: Io): Promise<number>;
}

const COMMANDS: readonly Command[] = [
  { spec: POSTBACK, run: postback },
  { spec: VERIFY_STRIPE, run: verifyStripe },
  { spec: LOG, run: log },
  { spec: REPLAY, run: replay },
  { spec: DEMO, run: demo },
];

/** `clicktrail --help`, generated from the commands' own specs. */
export const mainHelp = (): string => {
  const usages = COMMANDS.map(({ spec }) => [`clicktrail ${spec.name} ${spec.args}`, spec.summary] as const);
  const width = Math.max(...usages.map(([usage]) => usage.length)) + 3;
  return [
    'clicktrail: affiliate click-id attribution, from the command line',
    '',
    'Usage:',
    ...usages.map(([usage, summary]) => `  ${usage.padEnd(width)}${summary}`),
    '  clicktrail --version',
    '',
    "Run 'clicktrail <command> --help' for a command's options.",
    'Exit codes: 0 ok, 1 failed (postback refused or not delivered, signature invalid, nothing replayed), 2 usage error.',
  ].join('\n');
};

/** Runs the clicktrail command line (`argv` without node and the script) and resolves with the exit code. */
export const main = async (argv: readonly string[], io: Io): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.out(io.version);
    return EXIT.ok;
  }
  const command = COMMANDS.find(({ spec }) => spec.name === name);
  if (!command) {
    io.err(`clicktrail: unknown command '${name}'\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  try {
    const args = parseCommand(rest, command.spec);
    if (args.options.help) {
      io.out(commandHelp(command.spec));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`clicktrail ${name}: ${error.message}\nRun 'clicktrail ${name} --help' for usage.`);
      return EXIT.usage;
    }
    io.err(`clicktrail ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
};
