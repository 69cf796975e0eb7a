// `run cleanup --remove-backups`: the seeding backup files mirrorbook's own runs wrote, removed on
// the server that wrote them. Which files is known from the store, never guessed from a folder: the
// BACKUP statements the audit trail shows ran to completion, to a file named after that run
// (steps/backup-paths.ts) — so the site's own backups, a job's, or a file of a similar name someone
// else made are never touched. Before the question each file still there is read with RESTORE
// HEADERONLY (it must still hold backups of that database) and listed with its size; the operator
// types how many go. Removal is what the Maintenance Cleanup Task's "Delete specific file" of backup
// files runs, as the service account: `xp_delete_file 0, N'…'`, which leaves anything that is not
// a backup alone (learn.microsoft.com: Maintenance Cleanup Task). A file already gone is fine.
import type { StepContext, StepDefinition } from '../machines/runbook.js';
import { fileVisible } from './seed-source.js';
import { CheckFailedError, rows } from './step.js';

type Partner = 'principal' | 'mirror';
import { lit, tsql, type Statement } from './tsql.js';

/** One backup file a run of this store wrote (read from its audit trail by the CLI). */
export interface RunBackupFile {
  runId: string;
  target: Partner;
  database: string;
  kind: 'full' | 'log';
  path: string;
}

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
      const sets = await rows<{ DatabaseName: string; BackupSize: unknown }>(ctx, target, tsql`RESTORE HEADERONLY FROM DISK = ${lit(file.path)}`);
      const others = sets.filter((s) => s.DatabaseName.toLowerCase() !== file.database.toLowerCase());
      if (sets.length === 0 || others.length > 0) {
        found.foreign.push({ file, why: `it now holds backups of ${[...new Set(others.map((s) => s.DatabaseName))].join(', ') || 'nothing'}` });
        continue;
      }
      found.present.push({ file, bytes: sets.reduce((sum, s) => sum + Number(s.BackupSize ?? 0), 0) });
    } catch (error) {
      found.foreign.push({ file, why: `RESTORE HEADERONLY cannot read it as a backup (${(error as Error).message})` });
    }
  }
  return found;
}

const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;
const confirmTextFor = (count: number): string => `delete ${count} backup file${count === 1 ? '' : 's'}`;

export function removeRunBackupFiles(target: Partner, files: RunBackupFile[]): StepDefinition {
  let confirmed: string | undefined;
  const probe = async (ctx: StepContext) => {
    const { present, gone, foreign } = await inspect(ctx, target, files);
    const kept = foreign.length > 0 ? `; kept, not the run's any more: ${foreign.map((f) => `${f.file.path} (${f.why})`).join(', ')}` : '';
    return present.length === 0
      ? { done: true, detail: `none of the ${files.length} backup file(s) mirrorbook's runs wrote is left on the ${target} (${gone.length} gone)${kept}` }
      : { done: false, detail: `${present.length} backup file(s) the runs wrote are still on the ${target}: ${present.map((p) => `${p.file.path} (${megabytes(p.bytes)})`).join(', ')}${kept}` };
  };
  return {
    id: `cleanup.${target}.backup-files`,
    title: `Delete the backup files mirrorbook's runs wrote on the ${target} (${files.length} recorded in the audit trail)`,
    target,
    destructive: {
      confirmText: 'delete <n> backup files (the count of those still there, listed with their sizes just before the question)',
      consequences: `the seeding backups mirrorbook wrote go for good: they cannot seed the mirror again`,
      async assess(ctx) {
        const { present, gone } = await inspect(ctx, target, files);
        if (present.length === 0) return null;
        confirmed = confirmTextFor(present.length);
        const total = present.reduce((sum, p) => sum + p.bytes, 0);
        return {
          confirmText: confirmed,
          consequences: `these ${present.length} backup file(s), ${megabytes(total)} in all, written by mirrorbook's runs, go for good: ${present.map((p) => `${p.file.path} (${p.file.database} ${p.file.kind}, ${megabytes(p.bytes)}, run ${p.file.runId})`).join('; ')}${gone.length > 0 ? `; ${gone.length} more are gone already` : ''}. No other file is touched`,
        };
      },
    },
    probe,
    async apply(ctx) {
      const { present, gone, foreign } = await inspect(ctx, target, files);
      const now = present.length === 0 ? undefined : confirmTextFor(present.length);
      if (now !== undefined && now !== confirmed) {
        throw new CheckFailedError(`the backup files to delete changed after they were confirmed (${confirmed ?? 'nothing confirmed'} → ${now})`, 'resume and confirm the new list');
      }
      for (const f of foreign) ctx.note(`kept ${f.file.path}: ${f.why}`);
      if (gone.length > 0) ctx.note(`already gone: ${gone.map((g) => g.path).join(', ')}`);
      for (const { file } of present) await ctx.sql(target, deleteStatement(file.path));
    },
    verify: probe,
    plan: () => files.map((file) => ({ target, tsql: deleteStatement(file.path) })),
  };
}
