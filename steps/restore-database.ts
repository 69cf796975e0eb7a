// Seeding the mirror: the full backup, then every log backup in order, all WITH NORECOVERY so the
// copy stays RESTORING and can become a mirror. Log backups someone else took meanwhile (a
// scheduled job) are found in msdb.dbo.backupset on the principal and restored too.
import type { BackupConfig } from '../config/types.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { mirrorCopyDirectory, mirrorPathOf, RUN_ID_PLACEHOLDER, SCRIPT_RUN_ID, seedBackupPath } from './backup-paths.js';
import { logBackupsAfterFull, logBackupsQuery, missingLogBackups, plannedLogRestore, restoreLogBackups, restoreLogStatement } from './mirror-log-chain.js';
import { movesFor, requireMirrorPath, seedFull } from './seed-source.js';
import { isMirrored, readDatabase, type DatabaseStateRow } from './database-state.js';
import { withProgress } from './progress.js';
import { CheckFailedError, rows } from './step.js';
import { id, joinTsql, lit, tsql, type Statement } from './tsql.js';

const seeded = (row: DatabaseStateRow | undefined) => isMirrored(row) || row?.state_desc === 'RESTORING';

/** Nothing of value on the mirror is overwritten without the operator typing its name. */
export function confirmOverwriteMirrorCopies(databases: string[], mirrorInstance: string): StepDefinition {
  // Each copy that would be lost, with its size and files (sys.master_files: size in 8-KB pages).
  const existingOnline = async (ctx: StepContext) => {
    const found: string[] = [];
    for (const database of databases) {
      const row = await readDatabase(ctx, 'mirror', database);
      if (!row || seeded(row)) continue;
      const files = await rows<{ physical_name: string; size: number }>(
        ctx,
        'mirror',
        tsql`SELECT physical_name, size FROM sys.master_files WHERE database_id = DB_ID(${lit(database)}) ORDER BY file_id`,
      );
      const mb = Math.round(files.reduce((sum, f) => sum + Number(f.size), 0) / 128);
      found.push(`${database} (${row.state_desc}, ${mb.toLocaleString('en-US')} MB: ${files.map((f) => f.physical_name).join(', ')})`);
    }
    return found;
  };
  return {
    id: 'mirror.overwrite-existing-copies',
    title: `Confirm replacing existing copies of the databases on ${mirrorInstance}`,
    target: 'mirror',
    destructive: {
      confirmText: mirrorInstance,
      consequences: `the databases on ${mirrorInstance} that are not mirror copies yet are replaced by the principal's backups (RESTORE … WITH REPLACE); their current contents are lost`,
    },
    async probe(ctx) {
      const found = await existingOnline(ctx);
      return found.length === 0
        ? { done: true, detail: 'nothing on the mirror would be overwritten' }
        : { done: false, detail: `would replace: ${found.join(', ')}` };
    },
    async apply(ctx) {
      ctx.note(`operator accepted replacing ${(await existingOnline(ctx)).join(', ')} on ${mirrorInstance}`);
    },
    async verify() {
      return { done: true, detail: 'replacement accepted' };
    },
    plan: () => [],
  };
}

export function restoreFullStatement(database: string, path: string, position: number, moves: Statement): Statement {
  return tsql`RESTORE DATABASE ${id('database', database)} FROM DISK = ${lit(path)} WITH FILE = ${position}, NORECOVERY, REPLACE${moves}, STATS = 10`;
}

export function restoreFull(backup: BackupConfig, database: string): StepDefinition {
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, 'mirror', database);
    if (isMirrored(row)) return { done: true, detail: `${database} is already mirrored` };
    if (row?.state_desc === 'RESTORING') return { done: true, detail: `${database} on the mirror is RESTORING` };
    return { done: false, detail: row ? `${database} on the mirror is ${row.state_desc}` : `${database} does not exist on the mirror` };
  };
  const planned =
    backup.seed === 'existing'
      ? tsql`-- from the newest full backup msdb lists on the principal whose file is still there (through ${lit(backup.mirrorReadsFrom)}, or the copy in ${lit(mirrorCopyDirectory(backup))}); WITH MOVE to the mirror's folders where the principal's are missing there`
      : tsql`-- through ${lit(backup.mirrorReadsFrom)}, or the copy in ${lit(mirrorCopyDirectory(backup))}; WITH MOVE to the mirror's folders where the principal's are missing there`;
  return {
    id: `mirror.restore-full.${database}`,
    database,
    title: `Restore the full backup of ${database} WITH NORECOVERY on the mirror`,
    target: 'mirror',
    probe,
    async apply(ctx) {
      const full = await seedFull(ctx, backup, database);
      const path = await requireMirrorPath(ctx, backup, full);
      const { clause, moved } = await movesFor(ctx, backup, path, full.position);
      if (moved.length > 0) ctx.note(`the principal's folders for ${database} do not exist on the mirror: WITH MOVE ${moved.join(', ')}`);
      await withProgress(ctx, 'mirror', `RESTORE DATABASE ${database}`, ctx.sql('mirror', restoreFullStatement(database, path, full.position, clause)));
    },
    verify: probe,
    plan: () => [
      {
        target: 'mirror',
        tsql: tsql`${planned}\n${restoreFullStatement(database, mirrorPathOf(backup, seedBackupPath(backup, database, 'full', RUN_ID_PLACEHOLDER)), 1, tsql``)}`,
      },
    ],
    script: () => ({
      statements: [
        { target: 'mirror', tsql: restoreFullStatement(database, mirrorPathOf(backup, seedBackupPath(backup, database, 'full', SCRIPT_RUN_ID)), 1, tsql``) },
      ],
      note: `a run adds WITH MOVE to the mirror's folders when the principal's do not exist there; a script cannot look, so add MOVE clauses by hand on such a mirror`,
    }),
  };
}

export function restoreLogs(backup: BackupConfig, database: string): StepDefinition {
  const planned = joinTsql(
    [tsql`-- for each log backup listed by msdb.dbo.backupset on the principal after the full backup, in LSN order:`, plannedLogRestore(backup, database)],
    '\n',
  );

  // SET PARTNER done on the mirror but refused by the principal (1478/1412: a log backup missing):
  // the mirror copy must leave the half-made session before more log can be restored (3104).
  const halfConfigured = async (ctx: StepContext, row: DatabaseStateRow | undefined) =>
    isMirrored(row) && !isMirrored(await readDatabase(ctx, 'principal', database));
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, 'mirror', database);
    if (isMirrored(row) && !(await halfConfigured(ctx, row))) return { done: true, detail: `${database} is already mirrored` };
    if (row?.state_desc !== 'RESTORING') return { done: false, detail: `${database} on the mirror is ${row?.state_desc ?? 'missing'}` };
    const logs = await logBackupsAfterFull(ctx, backup, database);
    if (logs.length === 0) return { done: false, detail: `no log backup of ${database} after the full backup` };
    const missing = await missingLogBackups(ctx, backup, database);
    return missing.length === 0
      ? { done: true, detail: `the mirror copy of ${database} holds every log backup (${logs.length})` }
      : { done: false, detail: `${missing.length} log backup(s) of ${database} to restore` };
  };

  return {
    id: `mirror.restore-logs.${database}`,
    database,
    title: `Restore every log backup of ${database} in order WITH NORECOVERY on the mirror`,
    target: 'mirror',
    probe,
    async apply(ctx) {
      if (await halfConfigured(ctx, await readDatabase(ctx, 'mirror', database))) {
        ctx.note(
          `${database} on the mirror had SET PARTNER without a session (the principal refused it); removing that first so the missing log can be restored`,
        );
        await ctx.sql('mirror', tsql`ALTER DATABASE ${id('database', database)} SET PARTNER OFF`);
      }
      const logs = await logBackupsAfterFull(ctx, backup, database);
      if (logs.length === 0) {
        throw new CheckFailedError(
          `there is no log backup of ${database} after its full backup`,
          'run the restore procedure again from the start: it takes the log backup',
        );
      }
      const applied = await restoreLogBackups(ctx, backup, database, logs);
      ctx.note(`restored ${applied} of ${logs.length} log backup(s) of ${database}`);
    },
    async verify(ctx) {
      const row = await readDatabase(ctx, 'mirror', database);
      return seeded(row)
        ? { done: true, detail: `${database} on the mirror is RESTORING with every log backup applied` }
        : { done: false, detail: `${database} on the mirror is ${row?.state_desc ?? 'missing'}` };
    },
    plan: () => [
      { target: 'principal', tsql: logBackupsQuery(database) },
      { target: 'mirror', tsql: planned },
    ],
    // A script restores the log backup its own previous step took (WITH INIT: the first on its media).
    script: () => ({
      statements: [{ target: 'mirror', tsql: restoreLogStatement(database, mirrorPathOf(backup, seedBackupPath(backup, database, 'log', SCRIPT_RUN_ID)), 1) }],
      byHand: `a log backup of ${database} someone else took after the script's own (a scheduled job) must be restored here too, in LSN order, before SET PARTNER (msdb.dbo.backupset on the principal lists them); mirrorbook run restore finds them itself`,
    }),
  };
}
