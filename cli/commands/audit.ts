// `mirrorbook audit [--run id] [--format ndjson|csv|md]` exports the trail; `audit verify` proves
// it (cli/commands/audit-verify.ts).

import type { Command } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { openExistingStore } from './run-session.js';

const FORMATS = ['ndjson', 'csv', 'md'] as const;
const USAGE = 'usage: mirrorbook audit [--run id] [--format ndjson|csv|md] | audit verify [--expect-head HASH] [--local]';

const command: Command = async (ctx) => {
  const [sub] = ctx.positionals;
  if (sub !== undefined && sub !== 'verify') throw new UsageError(`unexpected argument '${sub}'`, USAGE);
  const format = optionText(ctx, 'format');
  const runId = optionText(ctx, 'run');
  const expectHead = optionText(ctx, 'expect-head');
  const local = ctx.options.local === true;
  if (sub === 'verify') {
    if (runId !== undefined || format !== undefined) throw new UsageError('audit verify takes --expect-head HASH and --local only', USAGE);
    const { verifyCommand } = await import('./audit-verify.js');
    return verifyCommand(ctx, { ...(expectHead !== undefined ? { expectHead } : {}), local });
  }
  if (expectHead !== undefined || local) throw new UsageError('--expect-head and --local belong to audit verify', USAGE);
  if (format !== undefined && !(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format ${format} is not known`, 'use --format ndjson, csv or md');
  const { store, path } = await openExistingStore(ctx, { readonly: true, auditKey: true });
  if (!store)
    throw new UsageError(`${runId === undefined ? 'nothing to export' : `no run '${runId}'`}: there is no store at ${path}`, 'check --store / --config');
  try {
    if (runId !== undefined && !store.runs.get(runId)) throw new UsageError(`no run '${runId}' in ${path}`, "list runs with 'mirrorbook runs'");
    store.audit.export((format ?? 'ndjson') as (typeof FORMATS)[number], runId !== undefined ? { runId } : {}, (chunk) => {
      ctx.stdout.write(chunk);
    });
    return 0;
  } finally {
    store.close();
  }
};
export default command;
