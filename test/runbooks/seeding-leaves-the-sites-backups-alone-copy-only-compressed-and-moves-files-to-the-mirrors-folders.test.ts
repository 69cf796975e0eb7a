// Seeding on a site that has its own backups: the site's Patriot.dat and log chain stay as they
// were (the run writes its own files, named after the run, COPY_ONLY because a chain exists,
// COMPRESSION on Enterprise), and a database whose folders the mirror lacks is restored WITH MOVE
// to the mirror's default folders — which `check` announces as ⚠ first.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
const BACKUP_DIR = 'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Backup';
const SITE_FILE = `${BACKUP_DIR}\\Patriot.dat`;

test.before(async () => {
  pair = await startPairLab();
  // The site's own backups: a full and a log backup of Patriot (a maintenance plan's files).
  await pair.sql('SQLPRI01', `BACKUP DATABASE Patriot TO DISK = N'${SITE_FILE}' WITH INIT`);
  await pair.sql('SQLPRI01', `BACKUP LOG Patriot TO DISK = N'${BACKUP_DIR}\\Patriot_log.dat' WITH INIT`);
  // A database created after the principal's data folder moved to D:\PatriotData; the mirror has no such folder.
  await pair.lab.control({ op: 'host', instance: 'SQLPRI01', change: { kind: 'paths', data: 'D:\\PatriotData', log: 'D:\\PatriotLogs' } });
  await pair.sql('SQLPRI01', 'CREATE DATABASE Alarms');
  await pair.lab.control({ op: 'host', instance: 'SQLMIR01', change: { kind: 'paths', data: 'E:\\SQLData', log: 'E:\\SQLLogs' } });
  const config = YAML.parse(readFileSync(pair.config, 'utf8')) as Record<string, unknown>;
  writeFileSync(pair.config, YAML.stringify({ ...config, databases: ['Patriot', 'PatriotArchive', 'Alarms'] }));
});
test.after(async () => {
  await pair?.stop();
});

const header = async (path: string) => (await pair.sql('SQLPRI01', `RESTORE HEADERONLY FROM DISK = N'${path}'`)).map((r) => `${r.Position}:${r.LastLSN}`);
const chain = async () =>
  (await pair.sql('SQLPRI01', "SELECT last_log_backup_lsn AS l FROM sys.database_recovery_status WHERE database_id = DB_ID('Patriot')"))[0]?.l;

test('check warns that Alarms needs WITH MOVE, naming the folders', async () => {
  const check = await pair.mb('check', 'setup');
  assert.match(
    check.stdout,
    /mirror-space-and-paths.*Alarms: the principal's folders do not exist on the mirror; the restore will use WITH MOVE D:\\PatriotData\\Alarms\.mdf → E:\\SQLData\\Alarms\.mdf, D:\\PatriotLogs\\Alarms_log\.ldf → E:\\SQLLogs\\Alarms_log\.ldf/,
  );
  assert.match(check.stdout, /mirror-reads-backups.*the mirror reads \\\\SQLPRI01\\Backup/);
});

test("setup seeds from its own COPY_ONLY, compressed files; Patriot.dat and the log chain are untouched; Alarms lands in the mirror's folders", async () => {
  const siteHeader = await header(SITE_FILE);
  const siteChain = await chain();
  const run = await pair.mb('run', 'setup', '--yes');
  assert.is(run.code, 0, run.stdout.slice(-3000) + run.stderr);
  assert.equal(await header(SITE_FILE), siteHeader, "Patriot.dat holds exactly the site's backup set");
  assert.is(await chain(), siteChain, "the site's log chain goes on where its last log backup left it");
  const ours = await pair.sql(
    'SQLPRI01',
    "SELECT f.physical_device_name AS p, b.type AS t, b.is_copy_only AS c, b.backup_size AS s, b.compressed_backup_size AS z FROM msdb.dbo.backupset b JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id WHERE b.database_name = 'Patriot' AND f.physical_device_name LIKE '%_mirrorbook_%'",
  );
  assert.equal(ours.map((r) => r.t).sort(), ['D', 'L']);
  for (const r of ours) {
    assert.match(String(r.p), /\\Patriot_mirrorbook_\d{8}-\d{6}-[0-9a-f]{4}\.(bak|trn)$/);
    assert.is(r.c, true, `${r.p} is COPY_ONLY`);
    assert.ok(Number(r.z) < Number(r.s), `${r.p} is compressed`);
  }
  assert.match(run.stdout, /Patriot has a backup chain: the full backup is COPY_ONLY/);
  // PatriotArchive had no chain (SIMPLE until setup set FULL): its full backup starts one.
  const archive = await pair.sql('SQLPRI01', "SELECT b.is_copy_only AS c FROM msdb.dbo.backupset b WHERE b.database_name = 'PatriotArchive' AND b.type = 'D'");
  assert.equal(
    archive.map((r) => r.c),
    [false],
  );
  assert.match(run.stdout, /WITH MOVE D:\\PatriotData\\Alarms\.mdf → E:\\SQLData\\Alarms\.mdf/);
  const files = await pair.sql('SQLMIR01', "SELECT physical_name AS p FROM sys.master_files WHERE database_id = DB_ID('Alarms') ORDER BY file_id");
  assert.equal(
    files.map((f) => f.p),
    ['E:\\SQLData\\Alarms.mdf', 'E:\\SQLLogs\\Alarms_log.ldf'],
  );
  await pair.waitFor('SQLPRI01', 'Alarms', 'SYNCHRONIZED', 'PRINCIPAL');
});

test.run();
