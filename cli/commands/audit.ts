// `mirrorbook audit [--run id] [--format ndjson|csv|md]` exports the trail; `audit verify` proves
// it (cli/commands/audit-verify.ts).

import type { Command } from '../command.js';
import { parseOptions, UsageError } from '../command.js';
import { openExistingStore } from './run-session.js';

const FORMATS = ['ndjson', 'csv', 'md'] as const;
const USAGE = 'usage: mirrorbook audit [--run id] [--format ndjson|csv|md] | audit verify [--expect-head HASH] [--local]';

const command: Command = async (ctx) => {
  const { options, positional } = parseOptions(ctx.argv, ['run', 'format', 'expect-head'], ['local']);
  const [sub, ...extra] = positional;
  if (extra.length || (sub !== undefined && sub !== 'verify')) throw new UsageError(`unexpected argument '${extra[0] ?? sub}'`, USAGE);
  if (sub === 'verify') {
    if (options.run !== undefined || options.format !== undefined) throw new UsageError('audit verify takes --expect-head HASH and --local only', USAGE);
    const { verifyCommand } = await import('./audit-verify.js');
    return verifyCommand(ctx, { ...(typeof options['expect-head'] === 'string' ? { expectHead: options['expect-head'] } : {}), local: options.local === true });
  }
  if (options['expect-head'] !== undefined || options.local !== undefined) throw new UsageError('--expect-head and --local belong to audit verify', USAGE);
  const format = (options.format ?? 'ndjson') as string;
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format} is not known`, 'use --format ndjson, csv or md');
  const { store, path } = await openExistingStore(ctx, { readonly: true, auditKey: true });
  if (!store) throw new UsageError(`no store at ${path}`, 'check --store / --config');
  try {
    if (typeof options.run === 'string' && !store.runs.get(options.run)) throw new UsageError(`no run '${options.run}' in ${path}`, "list runs with 'mirrorbook runs'");
    store.audit.export(format as (typeof FORMATS)[number], typeof options.run === 'string' ? { runId: options.run } : {}, (chunk) => { ctx.stdout.write(chunk); });
    return 0;
  } finally {
    store.close();
  }
};
export default command;
