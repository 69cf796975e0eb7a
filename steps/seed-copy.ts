// When the mirror's service account cannot read the principal's share (a workgroup: the virtual
// account is anonymous there, OS error 5), the backups reach the mirror by hand. This manual step
// says which files to copy where; once the operator says they are there it checks each copy on the
// mirror with RESTORE HEADERONLY (the right database and backup set) and RESTORE VERIFYONLY (the
// set is complete and readable) before the restore goes on. Where the mirror reads the share, or
// the copies are already there, the probe finds it done and nobody is asked.
import type { BackupConfig } from '../config/types.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { mirrorCopyDirectory, mirrorCopyPathOf, mirrorPathOf, RUN_ID_PLACEHOLDER, SEED_FILE_MARK } from './backup-paths.js';
import { isMirrored, readDatabase } from './database-state.js';
import { logBackupsAfter, mirrorReadablePath, seedFull, type BackupFile } from './seed-source.js';
import { CheckFailedError, rows } from './step.js';
import { lit, tsql } from './tsql.js';

async function seedFiles(ctx: StepContext, backup: BackupConfig, database: string): Promise<BackupFile[]> {
  const full = await seedFull(ctx, backup, database);
  return [full, ...(await logBackupsAfter(ctx, database, full.lastLsn))];
}

interface CopyState {
  /** Principal files the mirror reads neither through the share nor as a copy. */
  missing: BackupFile[];
  /** Copies that are not the backup the principal wrote: path → why. */
  bad: string[];
  /** Copies that passed RESTORE HEADERONLY and VERIFYONLY. */
  verified: string[];
}

/** What the mirror can read, each operator's copy checked: HEADERONLY (the same database and set,
 * by its last LSN) and VERIFYONLY (the set is complete and readable). */
async function copyState(ctx: StepContext, backup: BackupConfig, database: string): Promise<CopyState> {
  const state: CopyState = { missing: [], bad: [], verified: [] };
  for (const file of await seedFiles(ctx, backup, database)) {
    const path = await mirrorReadablePath(ctx, backup, file);
    if (!path) {
      await refuseUnreachableShare(ctx, backup, file);
      state.missing.push(file);
      continue;
    }
    if (path !== mirrorCopyPathOf(backup, file.path)) continue;
    try {
      const header = await rows<{ DatabaseName: string; Position: number; LastLSN: unknown }>(ctx, 'mirror', tsql`RESTORE HEADERONLY FROM DISK = ${lit(path)}`);
      const set = header.find((h) => Number(h.Position) === file.position);
      if (!set || set.DatabaseName.toLowerCase() !== database.toLowerCase() || String(set.LastLSN).split('.')[0] !== file.lastLsn.toString()) {
        state.bad.push(`${path} does not hold the backup of ${database} the principal wrote to ${file.path}`);
        continue;
      }
      await ctx.sql('mirror', tsql`RESTORE VERIFYONLY FROM DISK = ${lit(path)} WITH FILE = ${file.position}`);
      state.verified.push(path);
    } catch (error) {
      state.bad.push(`${path}: ${(error as Error).message}`);
    }
  }
  return state;
}

/** A copy by hand is the answer to a share the mirror's account may not read (OS error 5), not to
 * a network that does not reach it (OS error 53, 'network path was not found'): that one fails
 * with SQL Server's own error, so the operator fixes the network rather than copying. */
async function refuseUnreachableShare(ctx: StepContext, backup: BackupConfig, file: BackupFile): Promise<void> {
  try {
    await ctx.sql('mirror', tsql`RESTORE HEADERONLY FROM DISK = ${lit(mirrorPathOf(backup, file.path))}`);
  } catch (error) {
    if (/network path was not found|Operating system error 53\b/i.test((error as Error).message)) throw error;
  }
}

export function copySeedBackups(backup: BackupConfig, database: string, principal: string, mirror: string): StepDefinition {
  const names =
    backup.seed === 'existing'
      ? `the newest full backup of ${database} and every log backup after it (msdb.dbo.backupset on ${principal} lists them)`
      : `${database}${SEED_FILE_MARK}${RUN_ID_PLACEHOLDER}.bak and ${database}${SEED_FILE_MARK}${RUN_ID_PLACEHOLDER}.trn (and any log backup a job took since)`;
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, 'mirror', database);
    if (isMirrored(row) || row?.state_desc === 'RESTORING') return { done: true, detail: `${database} on the mirror is already seeded` };
    const { missing, bad, verified } = await copyState(ctx, backup, database);
    if (missing.length === 0 && bad.length === 0) {
      return {
        done: true,
        detail:
          verified.length === 0
            ? `the mirror reads every backup of ${database} through ${backup.mirrorReadsFrom}`
            : `RESTORE HEADERONLY and VERIFYONLY passed for ${verified.join(', ')} on ${mirror}`,
      };
    }
    return {
      done: false,
      detail: [...missing.map((f) => `copy ${f.path} from ${principal} to ${mirrorCopyPathOf(backup, f.path)} on ${mirror}`), ...bad].join('; '),
    };
  };
  return {
    id: `mirror.copy-seed-backups.${database}`,
    database,
    title: `Backups of ${database} readable on the mirror (copied by hand where its service account cannot read the share)`,
    target: 'mirror',
    manual: {
      instructions: `The mirror's service account cannot read ${backup.mirrorReadsFrom} (in a workgroup it reaches other hosts anonymously). Copy ${names} from ${backup.directory} on ${principal} to ${mirrorCopyDirectory(backup)} on ${mirror} (for example robocopy as an administrator of both hosts), then continue: each copy is checked with RESTORE HEADERONLY and RESTORE VERIFYONLY on the mirror.`,
    },
    probe,
    async apply(ctx) {
      const { missing, bad, verified } = await copyState(ctx, backup, database);
      if (missing.length > 0 || bad.length > 0) {
        throw new CheckFailedError(
          `the mirror cannot use every backup of ${database}: ${[...missing.map((f) => `${mirrorCopyPathOf(backup, f.path)} is missing`), ...bad].join('; ')}`,
          `${missing.map((f) => `copy ${f.path} from ${principal} to ${mirrorCopyPathOf(backup, f.path)} on ${mirror}`).join('; ') || `copy the files again from ${principal}`}, then retry`,
        );
      }
      if (verified.length > 0) ctx.note(`RESTORE HEADERONLY and VERIFYONLY passed for ${verified.join(', ')} on ${mirror}`);
    },
    verify: probe,
    script: () => ({
      statements: [],
      byHand: `where the mirror's service account cannot read ${backup.mirrorReadsFrom}, copy the script's backup files of ${database} to ${mirrorCopyDirectory(backup)} on ${mirror} and change the RESTORE statements below to read them there`,
    }),
    plan: () => [
      {
        target: 'mirror',
        tsql: tsql`-- for each backup file the mirror cannot read through ${lit(backup.mirrorReadsFrom)}: RESTORE HEADERONLY and RESTORE VERIFYONLY of the copy in ${lit(mirrorCopyDirectory(backup))}`,
      },
    ],
  };
}
