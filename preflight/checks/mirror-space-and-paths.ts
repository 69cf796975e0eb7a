// The mirror can hold each database: every file's folder exists on the mirror (or the restore will
// need WITH MOVE to backup.mirrorDataPath/mirrorLogPath or the mirror's default folders, which must
// exist) and each volume has the room (xp_fixeddrives). RESTORE's own errors for these are 5133/3156
// (folder missing) and 3257 (not enough space).
import { baseName } from '../../steps/backup-paths.js';
import { joinTsql, lit, tsql } from '../../steps/tsql.js';
import { about, fail, ok, partnersOf, warn, type Finding, type PreflightCheck, type PreflightContext } from '../check.js';

const ID = 'mirror-space-and-paths';

interface FileRow {
  db: string;
  physical_name: string;
  type: number;
  size: number;
}

const folderOf = (path: string) => path.slice(0, path.lastIndexOf('\\'));
const driveOf = (path: string) => path.slice(0, 1).toUpperCase();

async function folderExists(ctx: PreflightContext, folder: string): Promise<boolean> {
  const rows = await ctx.rows<Record<string, unknown>>('mirror', tsql`EXEC master.dbo.xp_fileexist ${lit(folder)}`);
  return Number(rows[0]?.['File is a Directory'] ?? 0) === 1;
}

async function mirrorDefaults(ctx: PreflightContext): Promise<{ data: string | undefined; log: string | undefined }> {
  const [row] = await ctx.rows<{ d: string | null; l: string | null }>('mirror', tsql`SELECT CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS nvarchar(260)) AS d, CAST(SERVERPROPERTY('InstanceDefaultLogPath') AS nvarchar(260)) AS l`);
  const trim = (p: string | null | undefined) => (p ? p.replace(/\\+$/, '') : undefined);
  return { data: ctx.config.backup.mirrorDataPath ?? trim(row?.d), log: ctx.config.backup.mirrorLogPath ?? trim(row?.l ?? row?.d) };
}

export const mirrorSpaceAndPathsCheck: PreflightCheck = {
  id: ID,
  title: "the mirror has the folders (or WITH MOVE targets) and the free space for each database's files",
  blocks: /\.restore-full\./,
  procedures: ['restore', 'setup'],
  async run(ctx) {
    const mirror = partnersOf(ctx).find((s) => s.role === 'mirror');
    const principal = partnersOf(ctx).find((s) => s.role === 'principal');
    if (!mirror || !principal) return [];
    const at = mirror.config.instance;
    const seeded = await ctx.rows<{ name: string }>('mirror', tsql`SELECT d.name FROM sys.databases d LEFT JOIN sys.database_mirroring m ON m.database_id = d.database_id WHERE d.state_desc = ${lit('RESTORING')} OR m.mirroring_guid IS NOT NULL`);
    const pending = ctx.config.databases.filter((d) => !seeded.some((s) => s.name.toLowerCase() === d.toLowerCase()));
    if (pending.length === 0) return [ok(ID, at, 'every database is already seeded on the mirror')];
    const names = joinTsql(pending.map((d) => tsql`DB_ID(${lit(d)})`), ', ');
    const files = await ctx.rows<FileRow>('principal', tsql`SELECT DB_NAME(database_id) AS db, physical_name, type, size FROM sys.master_files WHERE database_id IN (${names})`);
    const drives = await ctx.rows<{ drive: string; 'MB free': number }>('mirror', tsql`EXEC master.dbo.xp_fixeddrives`);
    const defaults = await mirrorDefaults(ctx);
    const findings: Finding[] = [];
    const neededMB = new Map<string, number>();
    for (const database of pending) {
      const mine = files.filter((f) => f.db.toLowerCase() === database.toLowerCase());
      const moves: string[] = [];
      const problems: string[] = [];
      for (const file of mine) {
        let target = file.physical_name;
        if (!(await folderExists(ctx, folderOf(file.physical_name)))) {
          const folder = file.type === 1 ? defaults.log : defaults.data;
          target = folder ? `${folder}\\${baseName(file.physical_name)}` : file.physical_name;
          if (!folder || !(await folderExists(ctx, folder))) problems.push(`${folderOf(file.physical_name)} is missing and so is the WITH MOVE target ${folder ?? '(no default path)'}`);
          else moves.push(`${file.physical_name} → ${target}`);
        }
        neededMB.set(driveOf(target), (neededMB.get(driveOf(target)) ?? 0) + Number(file.size) / 128);
      }
      if (problems.length > 0) {
        findings.push(about(fail(ID, at, `${database}: ${problems.join('; ')}`, 'create the folders on the mirror, or set backup.mirrorDataPath and backup.mirrorLogPath to folders that exist there'), [database]));
      } else if (moves.length > 0) {
        findings.push(warn(ID, at, `${database}: the principal's folders do not exist on the mirror; the restore will use WITH MOVE ${moves.join(', ')}`, 'nothing to do if these are the right places; else set backup.mirrorDataPath / backup.mirrorLogPath, or create the principal\'s folders on the mirror'));
      } else {
        findings.push(ok(ID, at, `${database}: the principal's folders exist on the mirror`));
      }
    }
    for (const [drive, mb] of neededMB) {
      const free = drives.find((d) => d.drive.toUpperCase() === drive)?.['MB free'];
      if (free === undefined) findings.push(fail(ID, at, `drive ${drive}: does not exist on the mirror (${Math.ceil(mb)} MB of database files would go there)`, 'set backup.mirrorDataPath / backup.mirrorLogPath to folders on the mirror\'s drives'));
      else if (mb > Number(free)) findings.push(fail(ID, at, `drive ${drive}: needs ${Math.ceil(mb)} MB for the database files, ${free} MB free`, `free ${Math.ceil(mb - Number(free))} MB on ${drive}: of the mirror, or set backup.mirrorDataPath / backup.mirrorLogPath to a volume with room`));
      else findings.push(ok(ID, at, `drive ${drive}: ${Math.ceil(mb)} MB needed, ${free} MB free`));
    }
    return findings;
  },
};
