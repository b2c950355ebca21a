import { type CommandSpec, list, type ParsedArgs, UsageError } from './args';
import { EXIT, type Io } from './io';
import { OUTBOX_OPTIONS, openOutbox } from './outbox';

/** `clicktrail replay`: its usage, help and options. */
export const REPLAY: CommandSpec = {
  name: 'replay',
  args: '<id…> | --failed [--rule r] [--db FILE|URL]',
  summary: 're-queue postbacks from the log',
  description: `Puts postbacks back in the outbox queue, due at once with a fresh retry schedule: the ones named by id
(failed, skipped, or delivered ones you want sent again), or every failed one (of some rules). A running worker
sends them within its poll interval; on serverless, the next deliverDue() does.`,
  options: {
    ...OUTBOX_OPTIONS,
    failed: { type: 'boolean', help: 'every failed postback' },
    rule: { type: 'string', value: 'a,b', help: 'with --failed: only these rules' },
  },
  footer: `Examples:
  clicktrail replay 42 43 --db postbacks.db
  clicktrail replay --failed --rule trackdesk --db "$DATABASE_URL"
Exit codes: 0 re-queued (or nothing failed), 1 none of the ids could be replayed, 2 usage error.`,
};

/** `clicktrail replay`: re-queues rows by id, or every failed row. */
export const replay = async (args: ParsedArgs, io: Io): Promise<number> => {
  const { options, positionals } = args;
  const ids = positionals.map((p) => {
    if (!/^\d{1,15}$/.test(p))
      throw new UsageError(`ids are whole numbers (from clicktrail log), got '${p}'`);
    return Number(p);
  });
  if (options.failed && ids.length) throw new UsageError('give ids or --failed, not both');
  if (!options.failed && !ids.length) throw new UsageError('which postbacks? give their ids, or --failed');
  if (options.rule !== undefined && !options.failed) throw new UsageError('--rule goes with --failed');
  const outbox = await openOutbox(args, io);
  try {
    const rules = list(options.rule);
    const replayed = await outbox.replay(
      options.failed ? { status: 'failed', ...(rules.length ? { rule: rules } : {}) } : { ids },
      Date.now(),
    );
    if (options.failed) {
      io.out(
        replayed.length ? `queued again: ${replayed.length} (${replayed.join(', ')})` : 'no failed postbacks',
      );
      return EXIT.ok;
    }
    const skipped = ids.filter((id) => !replayed.includes(id));
    if (replayed.length) io.out(`queued again: ${replayed.length} (${replayed.join(', ')})`);
    if (skipped.length)
      io.err(`not replayed (unknown, or still pending/delivering): ${[...new Set(skipped)].join(', ')}`);
    return replayed.length ? EXIT.ok : EXIT.failed;
  } finally {
    await outbox.close();
  }
};
