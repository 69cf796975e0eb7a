// Seeding the mirror: the full backup, then every log backup in order, all WITH NORECOVERY so the
// copy stays RESTORING and can become a mirror. Log backups someone else took meanwhile (a
// scheduled job) are found in msdb.dbo.backupset on the principal and restored too.
import type { BackupConfig } from '../config/types.js';
import type { StepContext, StepDefinition } from '../machines/runbook.js';
import { fullBackupPath, mirrorPathOf } from './backup-paths.js';
import { isMirrored, readDatabase, type DatabaseStateRow } from './database-state.js';
import { withProgress } from './progress.js';
import { CheckFailedError, rows } from './step.js';
import { id, joinTsql, lit, tsql } from './tsql.js';

const seeded = (row: DatabaseStateRow | undefined) => isMirrored(row) || row?.state_desc === 'RESTORING';

/** Nothing of value on the mirror is overwritten without the operator typing its name. */
export function confirmOverwriteMirrorCopies(databases: string[], mirrorInstance: string): StepDefinition {
  const existingOnline = async (ctx: StepContext) => {
    const found: string[] = [];
    for (const database of databases) {
      const row = await readDatabase(ctx, 'mirror', database);
      if (row && !seeded(row)) found.push(`${database} (${row.state_desc})`);
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
      return found.length === 0 ? { done: true, detail: 'nothing on the mirror would be overwritten' } : { done: false, detail: `would replace: ${found.join(', ')}` };
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

export function restoreFull(backup: BackupConfig, database: string): StepDefinition {
  const statement = tsql`RESTORE DATABASE ${id('database', database)} FROM DISK = ${lit(mirrorPathOf(backup, fullBackupPath(backup, database)))} WITH NORECOVERY, REPLACE, STATS = 10`;
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, 'mirror', database);
    if (isMirrored(row)) return { done: true, detail: `${database} is already mirrored` };
    if (row?.state_desc === 'RESTORING') return { done: true, detail: `${database} on the mirror is RESTORING` };
    return { done: false, detail: row ? `${database} on the mirror is ${row.state_desc}` : `${database} does not exist on the mirror` };
  };
  return {
    id: `mirror.restore-full.${database}`,
    title: `Restore the full backup of ${database} WITH NORECOVERY on the mirror`,
    target: 'mirror',
    probe,
    async apply(ctx) {
      await withProgress(ctx, 'mirror', `RESTORE DATABASE ${database}`, ctx.sql('mirror', statement));
    },
    verify: probe,
    plan: () => [{ target: 'mirror', tsql: statement }],
  };
}

interface LogBackupRow {
  position: number;
  first_lsn: unknown;
  last_lsn: unknown;
  physical_device_name: string;
  backup_finish_date: unknown;
}

const lsn = (value: unknown): bigint => BigInt(String(value ?? 0).split('.')[0] || '0');

export function restoreLogs(backup: BackupConfig, database: string): StepDefinition {
  const fullPath = fullBackupPath(backup, database);
  // Every log backup after our full backup, in LSN order — including ones a scheduled job took.
  const logsQuery = tsql`SELECT b.position, b.first_lsn, b.last_lsn, f.physical_device_name, b.backup_finish_date FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = ${lit(database)} AND b.type = ${lit('L')} AND b.last_lsn > (SELECT MAX(d.last_lsn) FROM msdb.dbo.backupset d JOIN msdb.dbo.backupmediafamily df ON df.media_set_id = d.media_set_id WHERE d.database_name = ${lit(database)} AND d.type = ${lit('D')} AND df.physical_device_name = ${lit(fullPath)}) ORDER BY b.first_lsn`;
  const restoredQuery = tsql`SELECT TOP 1 b.last_lsn FROM msdb.dbo.restorehistory r JOIN msdb.dbo.backupset b ON b.backup_set_id = r.backup_set_id WHERE r.destination_database_name = ${lit(database)} ORDER BY r.restore_history_id DESC`;
  const restoreOne = (path: string, position: number) => tsql`RESTORE LOG ${id('database', database)} FROM DISK = ${lit(path)} WITH FILE = ${position}, NORECOVERY, STATS = 10`;
  const planned = joinTsql(
    [tsql`-- for each log backup listed by msdb.dbo.backupset on the principal, in LSN order:`, restoreOne(mirrorPathOf(backup, `${backup.directory}\\${database}_log.dat`), 1)],
    '\n',
  );

  // SET PARTNER done on the mirror but refused by the principal (1478/1412: a log backup missing):
  // the mirror copy must leave the half-made session before more log can be restored (3104).
  const halfConfigured = async (ctx: StepContext, row: DatabaseStateRow | undefined) => isMirrored(row) && !isMirrored(await readDatabase(ctx, 'principal', database));
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, 'mirror', database);
    if (isMirrored(row) && !(await halfConfigured(ctx, row))) return { done: true, detail: `${database} is already mirrored` };
    if (row?.state_desc !== 'RESTORING') return { done: false, detail: `${database} on the mirror is ${row?.state_desc ?? 'missing'}` };
    const logs = await rows<LogBackupRow>(ctx, 'principal', logsQuery);
    if (logs.length === 0) return { done: false, detail: `no log backup of ${database} after the full backup` };
    let restoredUpTo: bigint | undefined;
    try {
      const restored = await rows<{ last_lsn: unknown }>(ctx, 'mirror', restoredQuery);
      if (restored[0]) restoredUpTo = lsn(restored[0].last_lsn);
    } catch {
      restoredUpTo = undefined; // no restore history on this server: restore again, 4326 skips what is there
    }
    const newest = lsn(logs[logs.length - 1]!.last_lsn);
    return restoredUpTo !== undefined && restoredUpTo >= newest
      ? { done: true, detail: `the mirror copy of ${database} holds every log backup (up to LSN ${newest})` }
      : { done: false, detail: `${logs.length} log backup(s) of ${database} to restore` };
  };

  return {
    id: `mirror.restore-logs.${database}`,
    title: `Restore every log backup of ${database} in order WITH NORECOVERY on the mirror`,
    target: 'mirror',
    async probe(ctx) {
      return probe(ctx);
    },
    async apply(ctx) {
      if (await halfConfigured(ctx, await readDatabase(ctx, 'mirror', database))) {
        ctx.note(`${database} on the mirror had SET PARTNER without a session (the principal refused it); removing that first so the missing log can be restored`);
        await ctx.sql('mirror', tsql`ALTER DATABASE ${id('database', database)} SET PARTNER OFF`);
      }
      const logs = await rows<LogBackupRow>(ctx, 'principal', logsQuery);
      if (logs.length === 0) {
        throw new CheckFailedError(`there is no log backup of ${database} after its full backup`, 'run the restore procedure again from the start: it takes the log backup');
      }
      const ours = `${backup.directory.replace(/\\+$/, '')}\\${database}_log.dat`.toLowerCase();
      const theirs = logs.filter((l) => l.physical_device_name.toLowerCase() !== ours);
      if (theirs.length > 0) ctx.note(`restoring ${theirs.length} log backup(s) of ${database} taken by someone else: ${theirs.map((l) => l.physical_device_name).join(', ')}`);
      let applied = 0;
      for (const [index, log] of logs.entries()) {
        ctx.progress({ percent: Math.round((index / logs.length) * 100), label: `RESTORE LOG ${database} ${index + 1}/${logs.length}` });
        try {
          await ctx.sql('mirror', restoreOne(mirrorPathOf(backup, log.physical_device_name), Number(log.position) || 1));
          applied++;
        } catch (error) {
          // 4326: this log is already in the mirror copy (an earlier attempt restored it).
          if ((error as { number?: number }).number === 4326) continue;
          throw error;
        }
      }
      ctx.progress({ percent: 100, label: `RESTORE LOG ${database}` });
      ctx.note(`restored ${applied} of ${logs.length} log backup(s) of ${database}`);
    },
    async verify(ctx) {
      const row = await readDatabase(ctx, 'mirror', database);
      return seeded(row) ? { done: true, detail: `${database} on the mirror is RESTORING with every log backup applied` } : { done: false, detail: `${database} on the mirror is ${row?.state_desc ?? 'missing'}` };
    },
    plan: () => [
      { target: 'principal', tsql: logsQuery },
      { target: 'mirror', tsql: planned },
    ],
  };
}
