// `run cleanup --remove-backups`: the seeding backup files mirrorbook's own finished runs wrote,
// removed on the server that wrote them — the instance the audit record names, mapped to the role
// it has in the config now (runbooks/cleanup.ts), never the role it had then; a file whose server
// is neither partner is noted and left. Which files is known from the store, never guessed from a
// folder: the BACKUP statements the audit trail shows ran to completion, to a file named after that
// run (steps/backup-paths.ts) — so the site's own backups, a job's, or a file of a similar name
// someone else made are never touched. Files of a run that can still be resumed stay. Before the
// question each file still there is read with RESTORE HEADERONLY (it must still hold backups of that
// database) and listed with its size on disk (CompressedBackupSize); the operator types how many go,
// and the files removed must be exactly those listed. Removal is what the Maintenance Cleanup
// Task's "Delete specific file" of backup files runs, as the service account: `xp_delete_file 0,
// N'…'`, which leaves anything that is not a backup alone (learn.microsoft.com: Maintenance Cleanup Task). A file already gone is fine.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { fileVisible } from './seed-source.js';
import { CheckFailedError, rows } from './step.js';
import { lit, tsql, type Statement } from './tsql.js';
import type { Partner } from '../config/types.js';

/** One backup file a run of this store wrote (read from its audit trail by the CLI). */
export interface RunBackupFile {
  runId: string;
  /** The instance that wrote it, as the audit record names it (null: not recorded). */
  server: string | null;
  database: string;
  kind: 'full' | 'log';
  path: string;
}

/** A run whose files stay: it has not ended, so a resume may still restore them. */
export interface KeptRun {
  runId: string;
  procedure: string;
  status: string;
  files: number;
}

/** What `--remove-backups` found in the store: the finished runs' files, and the runs whose files stay. */
export interface RunBackupFiles {
  files: RunBackupFile[];
  keptRuns: KeptRun[];
}

/** What the step tells besides its own files: files of runs still resumable, files of no partner. */
export interface LeftAlone {
  keptRuns: KeptRun[];
  unmatched: RunBackupFile[];
}

export const describeLeftAlone = ({ keptRuns, unmatched }: LeftAlone): string =>
  [
    ...keptRuns.map((r) => `kept: the ${r.files} file(s) of run ${r.runId} (${r.procedure}, ${r.status}: it can still be resumed and would restore them)`),
    ...unmatched.map((f) => `kept: ${f.path} (written by ${f.server ?? 'an unrecorded server'}, which is neither partner in the config)`),
  ].join('; ');

interface Inspected {
  /** Still there and still backups of the database the run backed up: to be removed. */
  present: { file: RunBackupFile; bytes: number }[];
  /** Already gone (or not visible to the service account). */
  gone: RunBackupFile[];
  /** There, but not (only) that database's backups any more: someone else's now, kept. */
  foreign: { file: RunBackupFile; why: string }[];
}

export const deleteStatement = (path: string): Statement => tsql`EXEC master.dbo.xp_delete_file 0, ${lit(path)}`;

async function inspect(ctx: StepContext, target: Partner, files: RunBackupFile[]): Promise<Inspected> {
  const found: Inspected = { present: [], gone: [], foreign: [] };
  for (const file of files) {
    if (!(await fileVisible(ctx, target, file.path))) {
      found.gone.push(file);
      continue;
    }
    try {
      const sets = await rows<{ DatabaseName: string; BackupSize: unknown; CompressedBackupSize?: unknown }>(
        ctx,
        target,
        tsql`RESTORE HEADERONLY FROM DISK = ${lit(file.path)}`,
      );
      const others = sets.filter((s) => s.DatabaseName.toLowerCase() !== file.database.toLowerCase());
      if (sets.length === 0 || others.length > 0) {
        found.foreign.push({ file, why: `it now holds backups of ${[...new Set(others.map((s) => s.DatabaseName))].join(', ') || 'nothing'}` });
        continue;
      }
      found.present.push({ file, bytes: sets.reduce((sum, s) => sum + Number(s.CompressedBackupSize ?? s.BackupSize ?? 0), 0) });
    } catch (error) {
      found.foreign.push({ file, why: `RESTORE HEADERONLY cannot read it as a backup (${(error as Error).message})` });
    }
  }
  return found;
}

const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;
const confirmTextFor = (count: number): string => `delete ${count} backup file${count === 1 ? '' : 's'}`;
const pathSet = (present: Inspected['present']): string =>
  present
    .map((p) => p.file.path.toLowerCase())
    .sort()
    .join('\n');

export function removeRunBackupFiles(target: Partner, files: RunBackupFile[], leftAlone: LeftAlone = { keptRuns: [], unmatched: [] }): StepDefinition {
  // The exact files the operator was shown when confirming: apply removes those or asks again.
  let confirmed: string | undefined;
  const alone = describeLeftAlone(leftAlone);
  // The probe counts what is left (the question that follows lists each file with its size); a verify
  // that finds files still there names them.
  const look = (named: boolean) => async (ctx: StepContext) => {
    const { present, gone, foreign } = await inspect(ctx, target, files);
    const kept =
      (foreign.length > 0 ? `; kept, not the run's any more: ${foreign.map((f) => `${f.file.path} (${f.why})`).join(', ')}` : '') + (alone ? `; ${alone}` : '');
    return present.length === 0
      ? { done: true, detail: `none of the ${files.length} backup file(s) mirrorbook's runs wrote is left on the ${target} (${gone.length} gone)${kept}` }
      : {
          done: false,
          detail: `${present.length} backup file(s) the runs wrote are still on the ${target}, ${megabytes(present.reduce((sum, p) => sum + p.bytes, 0))} in all${named ? `: ${present.map((p) => p.file.path).join(', ')}` : ''}${kept}`,
        };
  };
  return {
    id: `cleanup.${target}.backup-files`,
    title: `Delete the backup files mirrorbook's finished runs wrote on the ${target} (${files.length} recorded in the audit trail)${alone ? `; ${alone}` : ''}`,
    target,
    destructive: {
      confirmText: 'delete <n> backup files (the count of those still there, listed with their sizes just before the question)',
      consequences: `the seeding backups mirrorbook wrote go for good: they cannot seed the mirror again`,
      async assess(ctx) {
        const { present, gone } = await inspect(ctx, target, files);
        if (present.length === 0) return null;
        confirmed = pathSet(present);
        const total = present.reduce((sum, p) => sum + p.bytes, 0);
        return {
          confirmText: confirmTextFor(present.length),
          consequences: `these ${present.length} backup file(s), ${megabytes(total)} in all, written by mirrorbook's runs, go for good: ${present.map((p) => `${p.file.path} (${p.file.database} ${p.file.kind}, ${megabytes(p.bytes)}, run ${p.file.runId})`).join('; ')}${gone.length > 0 ? `; ${gone.length} more are gone already` : ''}. No other file is touched${alone ? `; ${alone}` : ''}`,
        };
      },
    },
    probe: look(false),
    async apply(ctx) {
      const { present, gone, foreign } = await inspect(ctx, target, files);
      if (present.length > 0 && pathSet(present) !== confirmed) {
        const shown = new Set(confirmed?.split('\n') ?? []);
        const unshown = present.filter((p) => !shown.has(p.file.path.toLowerCase())).map((p) => p.file.path);
        throw new CheckFailedError(
          `the backup files to delete are not the ${shown.size} confirmed: ${unshown.length > 0 ? `not shown: ${unshown.join(', ')}` : `${shown.size - present.length} of those listed are no longer there`}; nothing was deleted`,
          'resume and confirm the new list',
        );
      }
      for (const f of foreign) ctx.note(`kept ${f.file.path}: ${f.why}`);
      if (alone) ctx.note(alone);
      if (gone.length > 0) ctx.note(`already gone: ${gone.map((g) => g.path).join(', ')}`);
      for (const { file } of present) await ctx.sql(target, deleteStatement(file.path));
    },
    verify: look(true),
    plan: () => files.map((file) => ({ target, tsql: deleteStatement(file.path) })),
  };
}
