// What resume-session would throw away after forced service, said in numbers before anything is
// sent, preserved where SQL Server allows it, and accepted only by typing the amount.
//
// learn.microsoft.com, "Role Switching During a Database Mirroring Session": forcing service starts
// a new recovery fork; the original principal holds whatever it had not sent, and resuming rolls it
// back to the failover point. "sys.database_mirroring": mirroring_failover_lsn is the latest log
// record hardened on both partners (the point of reconciliation), mirroring_end_of_log_lsn the
// partner's own flushed end of log. So the old principal's end of log past the new principal's
// failover LSN is what would be discarded. It is an upper bound of log, committed or not: SQL Server
// does not say how many committed transactions it holds. The lab counts them (`lab status` dataLoss).
//
// Preserving: "Create a Database Snapshot (Transact-SQL)": a snapshot of a mirror database needs the
// SYNCHRONIZED state, and a mirror database cannot be backed up — so the old copy can be kept only
// while it is still the (disconnected) principal, before it rejoins the session: then a database
// snapshot where the edition has them (Enterprise/Developer; every edition from 2016 SP1), else a
// COPY_ONLY backup. Once it has rejoined (SUSPENDED, recovering), the documented way to keep the
// data is to remove mirroring and salvage it ("Managing the Potential Data Loss").
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { servingPartner } from './database-state.js';
import { CheckFailedError, firstRow, rows, type SqlTarget } from './step.js';
import { id, joinTsql, lit, tsql, type Statement } from './tsql.js';

interface LsnRow {
  failover_lsn: string | null;
  end_of_log_lsn: string | null;
  role: string | null;
  mirroring_state: string | null;
  state_desc: string;
  mirroring_guid: string | null;
}

export interface LossEstimate {
  database: string;
  /** The partner that serves the database now (the new principal). */
  serving: SqlTarget;
  /** The other partner (the old principal). */
  old: SqlTarget;
  failoverLsn: bigint;
  oldEndOfLog: bigint;
  /** oldEndOfLog − failoverLsn: the log the old principal holds that the new one lacks. */
  distance: bigint;
  /** The old copy is still its own (disconnected) principal: it can be snapshotted or backed up. */
  oldOnline: boolean;
}

const other = (target: SqlTarget): SqlTarget => (target === 'principal' ? 'mirror' : 'principal');

function lsnQuery(database: string): Statement {
  return tsql`SELECT CAST(m.mirroring_failover_lsn AS varchar(30)) AS failover_lsn, CAST(m.mirroring_end_of_log_lsn AS varchar(30)) AS end_of_log_lsn, m.mirroring_role_desc AS role, m.mirroring_state_desc AS mirroring_state, d.state_desc, m.mirroring_guid FROM sys.databases d JOIN sys.database_mirroring m ON m.database_id = d.database_id WHERE d.name = ${lit(database)}`;
}

const lsnOf = (text: string | null): bigint | null => (text !== null && /^\d+$/.test(text.trim()) ? BigInt(text.trim()) : null);

/** The estimate for one database, or null when nothing would be discarded (or there is no second
 * copy to compare: the old principal cannot be asked, or the database is not mirrored). */
export async function estimateLoss(ctx: StepContext, database: string): Promise<LossEstimate | null> {
  const serving = await servingPartner(ctx, database);
  if (!serving) return null;
  const old = other(serving.partner);
  const [mine, theirs] = await Promise.all([
    firstRow<LsnRow>(ctx, serving.partner, lsnQuery(database)),
    firstRow<LsnRow>(ctx, old, lsnQuery(database)).catch(() => undefined),
  ]);
  if (!mine || !theirs || theirs.mirroring_guid === null || theirs.mirroring_guid !== mine.mirroring_guid) return null;
  const failoverLsn = lsnOf(mine.failover_lsn);
  const oldEndOfLog = lsnOf(theirs.end_of_log_lsn);
  if (failoverLsn === null || oldEndOfLog === null || oldEndOfLog <= failoverLsn) return null;
  return {
    database,
    serving: serving.partner,
    old,
    failoverLsn,
    oldEndOfLog,
    distance: oldEndOfLog - failoverLsn,
    oldOnline: theirs.role === 'PRINCIPAL' && theirs.state_desc === 'ONLINE',
  };
}

async function estimates(ctx: StepContext, databases: string[]): Promise<LossEstimate[]> {
  const found: LossEstimate[] = [];
  for (const database of databases) {
    const estimate = await estimateLoss(ctx, database);
    if (estimate) found.push(estimate);
  }
  return found;
}

export function describeLoss(e: LossEstimate): string {
  return `${e.database}: the old principal (the configured ${e.old}) logged up to LSN ${e.oldEndOfLog}, the new principal took over at LSN ${e.failoverLsn} — ${e.distance} LSN of its log (committed or not) is not on the new principal`;
}

/** What the operator types: every database with its LSN distance ("discard Patriot 200"). */
export function lossConfirmText(found: LossEstimate[]): string {
  return `discard ${found.map((e) => `${e.database} ${e.distance}`).join(', ')}`;
}

/** The name of the snapshot (or backup) that keeps one run's old copy. */
export function preservedName(database: string, runId: string): string {
  return `${database}_before_resume_${runId.replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}`;
}

interface Preservation {
  estimate: LossEstimate;
  name: string;
  kind: 'snapshot' | 'backup';
}

async function snapshotsSupported(ctx: StepContext, target: SqlTarget): Promise<boolean> {
  const row = await firstRow<{ engine_edition: number; version: string }>(
    ctx,
    target,
    tsql`SELECT CAST(SERVERPROPERTY(${lit('EngineEdition')}) AS int) AS engine_edition, CAST(SERVERPROPERTY(${lit('ProductVersion')}) AS nvarchar(128)) AS version`,
  );
  if (!row) return false;
  const [major = 0, , build = 0] = String(row.version).split('.').map(Number);
  // Enterprise and Developer always; every edition from SQL Server 2016 SP1 (13.0.4001).
  return Number(row.engine_edition) === 3 || major > 13 || (major === 13 && build >= 4001);
}

async function alreadyPreserved(ctx: StepContext, p: Preservation, backupFile: string): Promise<boolean> {
  if (p.kind === 'snapshot') {
    return (
      (
        await rows(
          ctx,
          p.estimate.old,
          tsql`SELECT name FROM sys.databases WHERE name = ${lit(p.name)} AND source_database_id = DB_ID(${lit(p.estimate.database)})`,
        )
      ).length > 0
    );
  }
  return (
    (
      await rows(
        ctx,
        p.estimate.old,
        tsql`SELECT f.physical_device_name FROM msdb.dbo.backupmediafamily f JOIN msdb.dbo.backupset s ON s.media_set_id = f.media_set_id WHERE s.database_name = ${lit(p.estimate.database)} AND f.physical_device_name = ${lit(backupFile)}`,
      )
    ).length > 0
  );
}

function backupFileOf(directory: string, name: string): string {
  return `${directory.replace(/[\\/]+$/, '')}\\${name}.bak`;
}

async function snapshotStatement(ctx: StepContext, p: Preservation): Promise<Statement> {
  const files = await rows<{ name: string; physical_name: string }>(
    ctx,
    p.estimate.old,
    tsql`SELECT name, physical_name FROM sys.master_files WHERE database_id = DB_ID(${lit(p.estimate.database)}) AND type = 0`,
  );
  if (files.length === 0)
    throw new CheckFailedError(
      `the old principal lists no data files for ${p.estimate.database}`,
      'check sys.master_files on the old principal; preserve the database by hand (a COPY_ONLY backup) before resuming',
    );
  const specs = files.map(
    (f, i) => tsql`(NAME = ${id('database', f.name)}, FILENAME = ${lit(`${f.physical_name.replace(/[\\/][^\\/]*$/, '')}\\${p.name}_${i + 1}.ss`)})`,
  );
  return tsql`CREATE DATABASE ${id('database', p.name)} ON ${joinTsql(specs, ', ')} AS SNAPSHOT OF ${id('database', p.estimate.database)}`;
}

/** Keeps the old principal's copy of each database that would lose log: a database snapshot where
 * the edition has them, else a COPY_ONLY backup into `backupDirectories[old]`. Possible only while
 * the old copy has not rejoined the session; afterwards it says so (and what the docs offer). */
export function preserveOldCopies(databases: string[], backupDirectories: Partial<Record<SqlTarget, string>>): StepDefinition {
  const pending = async (ctx: StepContext): Promise<{ todo: Preservation[]; lost: LossEstimate[] }> => {
    const todo: Preservation[] = [];
    const lost: LossEstimate[] = [];
    for (const estimate of await estimates(ctx, databases)) {
      if (!estimate.oldOnline) {
        lost.push(estimate);
        continue;
      }
      const name = preservedName(estimate.database, ctx.runId);
      const p: Preservation = { estimate, name, kind: (await snapshotsSupported(ctx, estimate.old)) ? 'snapshot' : 'backup' };
      if (!(await alreadyPreserved(ctx, p, backupFileOf(backupDirectories[estimate.old] ?? '', name)))) todo.push(p);
    }
    return { todo, lost };
  };
  const probe = async (ctx: StepContext) => {
    const { todo, lost } = await pending(ctx);
    const unkept = lost.map((e) => `${e.database} (the old copy has rejoined the session: SQL Server can neither snapshot nor back up a suspended mirror)`);
    if (todo.length === 0) return { done: true, detail: unkept.length ? `cannot preserve ${unkept.join('; ')}` : 'nothing to preserve, or already preserved' };
    return { done: false, detail: `to preserve before resuming: ${todo.map((p) => `${p.estimate.database} as ${p.kind} ${p.name}`).join(', ')}` };
  };
  return {
    id: 'resume-session.preserve-old-copies',
    title: 'Preserve what the old principal holds that the new one lacks (database snapshot, else COPY_ONLY backup)',
    target: 'principal',
    probe,
    async apply(ctx) {
      for (const p of (await pending(ctx)).todo) {
        ctx.note(
          `${describeLoss(p.estimate)}; keeping it as ${p.kind === 'snapshot' ? 'database snapshot' : 'COPY_ONLY backup'} ${p.name} on the old principal before it rejoins the session`,
        );
        if (p.kind === 'snapshot') {
          await ctx.sql(p.estimate.old, await snapshotStatement(ctx, p));
          continue;
        }
        const directory = backupDirectories[p.estimate.old];
        if (!directory)
          throw new CheckFailedError(
            `no backup directory is configured for the ${p.estimate.old}, and its edition has no database snapshots`,
            'set backup.directory / backup.mirrorDirectory in the config, or back the database up by hand (COPY_ONLY) before resuming',
          );
        await ctx.sql(
          p.estimate.old,
          tsql`BACKUP DATABASE ${id('database', p.estimate.database)} TO DISK = ${lit(backupFileOf(directory, p.name))} WITH COPY_ONLY`,
        );
      }
    },
    verify: probe,
    plan: () =>
      databases.map((d) => ({
        target: 'principal' as const,
        tsql: tsql`-- on the old principal, only when it holds log the new principal lacks and has not rejoined yet: CREATE DATABASE <database>_before_resume_<run> ON (…) AS SNAPSHOT OF ${id('database', d)} (else BACKUP DATABASE … WITH COPY_ONLY)`,
      })),
  };
}

/** Whether the old copy is kept: a snapshot made earlier, or the step before this one makes one. */
async function keptAs(ctx: StepContext, e: LossEstimate): Promise<string> {
  if (e.oldOnline) return 'is preserved on the old principal before it rejoins (previous step)';
  const snapshots = await rows<{ name: string }>(ctx, e.old, tsql`SELECT name FROM sys.databases WHERE source_database_id = DB_ID(${lit(e.database)})`);
  if (snapshots.length > 0)
    return `was preserved earlier as snapshot ${snapshots.map((r) => r.name).join(', ')} (as it was then: anything the old principal committed after it is not in it)`;
  return 'is NOT preserved: the old copy has rejoined the session, and SQL Server can neither snapshot nor back up a suspended mirror. To keep it, stop here, remove mirroring and recover the old copy ("Managing the Potential Data Loss")';
}

/** The typed confirmation of the amount resuming discards. Nothing to discard: already done, never
 * asked. The amount is estimated again just before the question and once more before going on: if
 * it changed after the operator typed it, nothing proceeds. */
export function acceptDiscardedLog(databases: string[]): StepDefinition {
  let confirmed: string | undefined;
  const probe = async (ctx: StepContext) => {
    const found = await estimates(ctx, databases);
    return found.length === 0
      ? { done: true, detail: 'the old principal holds no log past the failover point: resuming discards nothing' }
      : { done: false, detail: found.map(describeLoss).join('; ') };
  };
  const assess = async (ctx: StepContext) => {
    const found = await estimates(ctx, databases);
    if (found.length === 0) return null;
    confirmed = lossConfirmText(found);
    const kept: string[] = [];
    for (const e of found) kept.push(`${e.database} ${await keptAs(ctx, e)}`);
    return {
      confirmText: confirmed,
      consequences: `resuming rolls the old principal back to the failover point and discards ${found.map(describeLoss).join('; ')}. ${kept.join('; ')}`,
    };
  };
  return {
    id: 'resume-session.accept-discarded-log',
    title: 'Accept what resuming discards on the old principal (typed amount)',
    target: 'principal',
    destructive: {
      confirmText: 'discard <database> <LSN distance>, … (the estimate made just before the question)',
      consequences: 'resuming rolls the old principal back to the failover point: log it never sent to the new principal is discarded',
      assess,
    },
    probe,
    async apply(ctx) {
      const found = await estimates(ctx, databases);
      const now = found.length === 0 ? undefined : lossConfirmText(found);
      if (now !== undefined && now !== confirmed) {
        throw new CheckFailedError(
          `what resuming discards changed after it was confirmed (${confirmed ?? 'nothing confirmed'} → ${now})`,
          'run resume-session again and confirm the new amount',
        );
      }
      ctx.note(`the operator accepted: ${now ?? 'nothing left to discard'}`);
    },
    verify: async () => ({ done: true, detail: 'the amount was confirmed' }),
    plan: () => [],
  };
}
