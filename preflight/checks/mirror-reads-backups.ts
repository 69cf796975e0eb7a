// The mirror can read the backups it is seeded from, as its service account (xp_fileexist runs as
// it): the share itself (seed: backup) or the newest usable full backup the principal wrote (seed:
// existing). When it cannot — a workgroup, a share not granted — seeding stops at a manual copy step
// (⚠); with nowhere on the mirror to copy to, or no backup to seed from, it cannot go on (✗).
import { mirrorCopyDirectory, mirrorCopyPathOf, mirrorPathOf } from '../../steps/backup-paths.js';
import { lit, tsql } from '../../steps/tsql.js';
import { about, fail, ok, partnersOf, warn, type Finding, type PreflightCheck, type PreflightContext } from '../check.js';

const ID = 'mirror-reads-backups';

async function exists(ctx: PreflightContext, role: 'principal' | 'mirror', path: string): Promise<{ file: boolean; directory: boolean }> {
  const rows = await ctx.rows<Record<string, unknown>>(role, tsql`EXEC master.dbo.xp_fileexist ${lit(path)}`);
  return { file: Number(rows[0]?.['File Exists'] ?? 0) === 1, directory: Number(rows[0]?.['File is a Directory'] ?? 0) === 1 };
}

export const mirrorReadsBackupsCheck: PreflightCheck = {
  id: ID,
  title: "the mirror's service account can read the backups it is seeded from",
  blocks: /\.(restore-full|restore-logs|copy-seed-backups)\./,
  procedures: ['restore', 'setup'],
  async run(ctx) {
    const mirror = partnersOf(ctx).find((s) => s.role === 'mirror');
    const principal = partnersOf(ctx).find((s) => s.role === 'principal');
    if (!mirror || !principal) return [];
    const { backup } = ctx.config;
    const at = mirror.config.instance;
    const copyDir = mirrorCopyDirectory(backup);
    const copyPossible = (await exists(ctx, 'mirror', copyDir)).directory;
    const manual = (what: string): Finding => copyPossible
      ? warn(ID, at, `the mirror's service account cannot read ${what}: seeding will stop at a manual step to copy the backups to ${copyDir} on ${at}`, `give the mirror's SQL Server service account read access to ${backup.mirrorReadsFrom} (a domain account, or in a workgroup the same local account and password on both hosts), or be ready to copy the files by hand`)
      : fail(ID, at, `the mirror's service account cannot read ${what}, and ${copyDir} does not exist on ${at} to copy the backups to`, `give the mirror's service account read access to ${backup.mirrorReadsFrom}, or create ${copyDir} on ${at} (or set backup.mirrorDirectory) for the manual copy`);
    if (backup.seed !== 'existing') {
      return [(await exists(ctx, 'mirror', backup.mirrorReadsFrom)).directory ? ok(ID, at, `the mirror reads ${backup.mirrorReadsFrom}`) : manual(backup.mirrorReadsFrom)];
    }
    const findings: Finding[] = [];
    for (const database of ctx.config.databases) {
      const fulls = await ctx.rows<{ physical_device_name: string }>('principal', tsql`SELECT f.physical_device_name FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = ${lit(database)} AND b.type = ${lit('D')} ORDER BY b.backup_finish_date DESC`);
      let newest: string | undefined;
      for (const row of fulls) {
        if ((await exists(ctx, 'principal', row.physical_device_name)).file) {
          newest = row.physical_device_name;
          break;
        }
      }
      if (!newest) {
        findings.push(about(fail(ID, principal.config.instance, `${database}: msdb lists no full backup whose file is still there`, 'take a full backup of it first, or set backup.seed: backup so that mirrorbook takes one'), [database]));
        continue;
      }
      const share = mirrorPathOf(backup, newest);
      if ((await exists(ctx, 'mirror', share)).file) findings.push(ok(ID, at, `${database}: the mirror reads ${share}`));
      else if ((await exists(ctx, 'mirror', mirrorCopyPathOf(backup, newest))).file) findings.push(ok(ID, at, `${database}: a copy of ${newest} is in ${copyDir}`));
      else findings.push(manual(share));
    }
    return findings;
  },
};
