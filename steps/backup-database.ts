// Full and first log backup on the principal: what the mirror is seeded from (seed: backup).
// They respect the site's own backups:
// - to files named after this run (steps/backup-paths.ts), never over one the run did not write;
// - COPY_ONLY where the database already has a backup chain (sys.database_recovery_status
//   last_log_backup_lsn set), so the site's differential base and log chain are untouched ("Copy-only
//   backups": they do not affect the usual sequence of backups); the log backup is COPY_ONLY when
//   the full one was;
// - COMPRESSION where the edition creates compressed backups ("Backup compression": Enterprise,
//   Standard, Developer; every edition restores them).
import type { BackupConfig } from '../config/types.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { RUN_ID_PLACEHOLDER, SCRIPT_RUN_ID, seedBackupPath } from './backup-paths.js';
import { isMirrored, readDatabase } from './database-state.js';
import { withProgress } from './progress.js';
import { fileVisible, runFullBackup } from './seed-source.js';
import { CheckFailedError, firstRow } from './step.js';
import { id, lit, tsql, type Statement } from './tsql.js';

/** Seeding is behind us once the mirror copy is RESTORING or already mirrored. */
async function mirrorSeeded(ctx: StepContext, database: string) {
  const mirror = await readDatabase(ctx, 'mirror', database);
  if (isMirrored(mirror)) return { done: true, detail: `${database} is already mirrored` };
  if (mirror?.state_desc === 'RESTORING') return { done: true, detail: `${database} on the mirror is already RESTORING from a full backup` };
  return undefined;
}

async function backupTaken(ctx: StepContext, database: string, path: string, type: 'D' | 'L') {
  const row = await firstRow<{ is_copy_only: unknown }>(
    ctx,
    'principal',
    tsql`SELECT TOP 1 b.is_copy_only FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = ${lit(database)} AND b.type = ${lit(type)} AND f.physical_device_name = ${lit(path)}`,
  );
  return row;
}

/** Whether the database's log is being backed up already (a chain COPY_ONLY must leave alone). */
async function hasBackupChain(ctx: StepContext, database: string): Promise<boolean> {
  const row = await firstRow<{ lsn: unknown }>(
    ctx,
    'principal',
    tsql`SELECT r.last_log_backup_lsn AS lsn FROM sys.database_recovery_status r WHERE r.database_id = DB_ID(${lit(database)})`,
  );
  return row?.lsn !== null && row?.lsn !== undefined;
}

/** Enterprise (3, Developer too) and Standard (2) create compressed backups; Express (4) does not. */
async function editionCompresses(ctx: StepContext): Promise<boolean> {
  const row = await firstRow<{ e: unknown }>(ctx, 'principal', tsql`SELECT CAST(SERVERPROPERTY('EngineEdition') AS int) AS e`);
  return [2, 3].includes(Number(row?.e));
}

/** A file by this run's name that msdb does not show as this run's backup is not ours to overwrite. */
async function refuseForeignFile(ctx: StepContext, path: string): Promise<void> {
  if (!(await fileVisible(ctx, 'principal', path))) return;
  throw new CheckFailedError(
    `${path} already exists on the principal and is not a backup this run recorded`,
    'mirrorbook never writes over a file it did not create: move that file away (an interrupted attempt of this run may have left it half-written), then resume',
  );
}

function options(copyOnly: boolean, compression: boolean) {
  return tsql`${copyOnly ? tsql`COPY_ONLY, ` : tsql``}CHECKSUM, ${compression ? tsql`COMPRESSION, ` : tsql``}STATS = 10`;
}

export function fullBackupStatement(database: string, path: string, copyOnly: boolean, compression: boolean): Statement {
  return tsql`BACKUP DATABASE ${id('database', database)} TO DISK = ${lit(path)} WITH ${options(copyOnly, compression)}`;
}

export function logBackupStatement(database: string, path: string, copyOnly: boolean, compression: boolean): Statement {
  return tsql`BACKUP LOG ${id('database', database)} TO DISK = ${lit(path)} WITH ${options(copyOnly, compression)}`;
}

const planNote = tsql`-- COPY_ONLY when the database already has a backup chain; COMPRESSION where the edition creates compressed backups`;

export function backupFull(backup: BackupConfig, database: string): StepDefinition {
  const pathOf = (ctx: StepContext) => seedBackupPath(backup, database, 'full', ctx.runId);
  return {
    id: `principal.backup-full.${database}`,
    database,
    title: `Full backup of ${database} to a file of this run on the principal`,
    target: 'principal',
    async probe(ctx) {
      const seeded = await mirrorSeeded(ctx, database);
      if (seeded) return seeded;
      return (await runFullBackup(ctx, backup, database))
        ? { done: true, detail: `this run already took the full backup of ${database} to ${pathOf(ctx)}` }
        : { done: false, detail: `the mirror copy of ${database} is not seeded yet` };
    },
    async apply(ctx) {
      const path = pathOf(ctx);
      await refuseForeignFile(ctx, path);
      const copyOnly = await hasBackupChain(ctx, database);
      if (copyOnly) ctx.note(`${database} has a backup chain: the full backup is COPY_ONLY, so the site's differential base and log chain stay as they are`);
      await withProgress(
        ctx,
        'principal',
        `BACKUP DATABASE ${database}`,
        ctx.sql('principal', fullBackupStatement(database, path, copyOnly, await editionCompresses(ctx))),
      );
    },
    async verify(ctx) {
      return (await backupTaken(ctx, database, pathOf(ctx), 'D'))
        ? { done: true, detail: `backup of ${database} written to ${pathOf(ctx)}` }
        : { done: false, detail: `msdb.dbo.backupset has no full backup of ${database} at ${pathOf(ctx)}` };
    },
    plan: () => [
      {
        target: 'principal',
        tsql: tsql`${planNote}\n${fullBackupStatement(database, seedBackupPath(backup, database, 'full', RUN_ID_PLACEHOLDER), false, true)}`,
      },
    ],
    script: () => ({
      statements: [
        {
          target: 'principal',
          tsql: tsql`BACKUP DATABASE ${id('database', database)} TO DISK = ${lit(seedBackupPath(backup, database, 'full', SCRIPT_RUN_ID))} WITH FORMAT, INIT, CHECKSUM, STATS = 10`,
        },
      ],
      note: `a run names the file after itself and takes it COPY_ONLY where ${database} has a backup chain (and compressed where the edition can); a script cannot tell, so it overwrites its own file and takes a plain full backup`,
    }),
  };
}

export function backupLog(backup: BackupConfig, database: string): StepDefinition {
  const pathOf = (ctx: StepContext) => seedBackupPath(backup, database, 'log', ctx.runId);
  return {
    id: `principal.backup-log.${database}`,
    database,
    title: `Log backup of ${database} to a file of this run on the principal`,
    target: 'principal',
    async probe(ctx) {
      const mirror = await readDatabase(ctx, 'mirror', database);
      if (isMirrored(mirror)) return { done: true, detail: `${database} is already mirrored` };
      return (await backupTaken(ctx, database, pathOf(ctx), 'L'))
        ? { done: true, detail: `this run already took the log backup of ${database} to ${pathOf(ctx)}` }
        : { done: false, detail: `no log backup of ${database} by this run yet` };
    },
    async apply(ctx) {
      const path = pathOf(ctx);
      await refuseForeignFile(ctx, path);
      const full = await runFullBackup(ctx, backup, database);
      await withProgress(
        ctx,
        'principal',
        `BACKUP LOG ${database}`,
        ctx.sql('principal', logBackupStatement(database, path, full?.copyOnly ?? false, await editionCompresses(ctx))),
      );
    },
    async verify(ctx) {
      return (await backupTaken(ctx, database, pathOf(ctx), 'L'))
        ? { done: true, detail: `log backup of ${database} written to ${pathOf(ctx)}` }
        : { done: false, detail: `msdb.dbo.backupset has no log backup of ${database} at ${pathOf(ctx)}` };
    },
    plan: () => [
      {
        target: 'principal',
        tsql: tsql`-- COPY_ONLY when the full backup was\n${logBackupStatement(database, seedBackupPath(backup, database, 'log', RUN_ID_PLACEHOLDER), false, true)}`,
      },
    ],
    script: () => ({
      statements: [
        {
          target: 'principal',
          tsql: tsql`BACKUP LOG ${id('database', database)} TO DISK = ${lit(seedBackupPath(backup, database, 'log', SCRIPT_RUN_ID))} WITH INIT, CHECKSUM, STATS = 10`,
        },
      ],
    }),
  };
}
