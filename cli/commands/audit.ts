// `mirrorbook audit [--run id] [--format ndjson|csv|md]` exports the trail; `audit verify` walks
// the hash chain and names the first record that was edited, deleted, reordered or inserted.

import type { Command } from '../command.js';
import { parseOptions, UsageError } from '../command.js';
import { openExistingStore } from './run-session.js';

const FORMATS = ['ndjson', 'csv', 'md'] as const;

const command: Command = async (ctx) => {
  const { options, positional } = parseOptions(ctx.argv, ['run', 'format']);
  const [sub, ...extra] = positional;
  if (extra.length || (sub !== undefined && sub !== 'verify')) throw new UsageError(`unexpected argument '${extra[0] ?? sub}'`, 'usage: mirrorbook audit [--run id] [--format ndjson|csv|md] | audit verify');
  const format = (options.format ?? 'ndjson') as string;
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
    if (typeof options.run === 'string' && !store.runs.get(options.run)) throw new UsageError(`no run '${options.run}' in ${path}`, "list runs with 'mirrorbook runs'");
    store.audit.export(format as (typeof FORMATS)[number], typeof options.run === 'string' ? { runId: options.run } : {}, (chunk) => { ctx.stdout.write(chunk); });
    return 0;
  } finally {
    store.close();
  }
};
export default command;
