// `mirrorbook audit [--run id] [--format ndjson|csv|md]` exports the trail; `audit verify` walks
// the hash chain and names the first record that was edited, deleted, reordered or inserted.

import type { Command } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { openExistingStore } from './run-session.js';

const FORMATS = ['ndjson', 'csv', 'md'] as const;

const command: Command = async (ctx) => {
  const [sub] = ctx.positionals;
  if (sub !== undefined && sub !== 'verify') throw new UsageError(`unexpected argument '${sub}'`, 'usage: mirrorbook audit [--run id] [--format ndjson|csv|md] | audit verify');
  const format = optionText(ctx, 'format') ?? 'ndjson';
  const runId = optionText(ctx, 'run');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format} is not known`, 'use --format ndjson, csv or md');
  const { store, path } = await openExistingStore(ctx, { readonly: true });
  if (!store) throw new UsageError(`no store at ${path}`, 'check --store / --config');
  try {
    if (sub === 'verify') {
      const result = store.audit.verify();
      if (result.ok) {
        ctx.stdout.write(ctx.flags.json ? JSON.stringify(result) + '\n' : `audit trail intact: ${result.count} records, hash chain verified\n`);
        return 0;
      }
      const { seq, problem, detail } = result.firstBad;
      if (ctx.flags.json) ctx.stdout.write(JSON.stringify(result) + '\n');
      ctx.stderr.write(`audit trail BROKEN at record #${seq}: ${problem} — ${detail}\n(${result.count} records checked before it)\n`);
      return 1;
    }
    if (runId !== undefined && !store.runs.get(runId)) throw new UsageError(`no run '${runId}' in ${path}`, "list runs with 'mirrorbook runs'");
    store.audit.export(format as (typeof FORMATS)[number], runId !== undefined ? { runId } : {}, (chunk) => { ctx.stdout.write(chunk); });
    return 0;
  } finally {
    store.close();
  }
};
export default command;
