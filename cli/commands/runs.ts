// `mirrorbook runs`: the history, newest first (--json: one JSON object per line).

import type { Command } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { openExistingStore } from './run-session.js';
import { skippedSteps } from '../../machines/skip-policy.js';
import { livenessIn } from '../run-liveness.js';
import { currentHost } from '../../store/who.js';

const command: Command = async (ctx) => {
  const limitText = optionText(ctx, 'limit');
  const limit = limitText === undefined ? 50 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${limitText} is not allowed; expected a whole number of runs, 1 or more`);
  const { store, path } = await openExistingStore(ctx, { readonly: true, migrate: true });
  if (!store) {
    if (!ctx.flags.json) ctx.stdout.write(`no runs yet (no store at ${path})\n`);
    return 0;
  }
  try {
    const runs = store.runs.list({ limit });
    const host = currentHost();
    const live = new Map(runs.map((run) => [run.id, livenessIn(store, run, host)]));
    // A run that skipped a step is never listed as a plain 'done'.
    const skippedIn = (id: string): string[] => skippedSteps(store, id);
    if (ctx.flags.json) {
      for (const run of runs) {
        const { status, how } = live.get(run.id)!;
        ctx.stdout.write(
          JSON.stringify({
            id: run.id,
            procedure: run.procedure,
            pair: run.pairKey,
            status,
            ...(status !== run.status ? { recordedStatus: run.status } : {}),
            ...(how ? { how } : {}),
            skipped: skippedIn(run.id),
            exitCode: run.exitCode,
            operator: run.operator,
            host: run.host,
            startedAt: run.startedAt,
            endedAt: run.endedAt,
          }) + '\n',
        );
      }
      return 0;
    }
    if (runs.length === 0) {
      ctx.stdout.write('no runs yet\n');
      return 0;
    }
    const rows = [['RUN', 'PROCEDURE', 'PAIR', 'STATUS', 'EXIT', 'OPERATOR', 'STARTED', 'ENDED']];
    const statusOf = (r: (typeof runs)[number]): string => {
      const { status } = live.get(r.id)!;
      const skipped = skippedIn(r.id).length;
      return `${status === r.status ? status : `${status} (process gone)`}${skipped ? `, ${skipped} skipped` : ''}`;
    };
    for (const r of runs)
      rows.push([
        r.id,
        r.procedure,
        r.pairKey,
        statusOf(r),
        r.exitCode === null ? '' : String(r.exitCode),
        r.operator,
        r.startedAt.replace('T', ' ').slice(0, 19),
        r.endedAt ? r.endedAt.replace('T', ' ').slice(0, 19) : '',
      ]);
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
    ctx.stdout.write(
      rows
        .map((row) =>
          row
            .map((cell, c) => cell.padEnd(widths[c]!))
            .join('  ')
            .trimEnd(),
        )
        .join('\n') + '\n',
    );
    return 0;
  } finally {
    store.close();
  }
};
export default command;
