// A workgroup site with its own backups, seeded with backup.seed: existing: check warns that the
// mirror cannot read the share; setup takes no backup of its own, stops at the manual copy step
// naming where the files go; after the copy it checks them on the mirror (HEADERONLY, VERIFYONLY)
// and restores the site's newest full backup and the log backups after it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import YAML from 'yaml';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
const BACKUP_DIR = 'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Backup';
const FILES = ['Patriot.dat', 'Patriot_log.dat', 'PatriotArchive.dat', 'PatriotArchive_log.dat'];

test.before(async () => {
  pair = await startPairLab();
  await pair.sql('SQLPRI01', 'ALTER DATABASE PatriotArchive SET RECOVERY FULL');
  for (const db of ['Patriot', 'PatriotArchive']) {
    await pair.sql('SQLPRI01', `BACKUP DATABASE ${db} TO DISK = N'${BACKUP_DIR}\\${db}.dat' WITH INIT`);
    await pair.sql('SQLPRI01', `BACKUP LOG ${db} TO DISK = N'${BACKUP_DIR}\\${db}_log.dat' WITH INIT`);
  }
  await pair.lab.control({ op: 'host', instance: '*', change: { kind: 'workgroup' } });
  const config = YAML.parse(readFileSync(pair.config, 'utf8')) as { backup: Record<string, unknown> };
  writeFileSync(pair.config, YAML.stringify({ ...config, backup: { ...config.backup, seed: 'existing' } }));
});
test.after(async () => {
  await pair?.stop();
});

test('check: the mirror cannot read the share, seeding will stop for a manual copy (⚠, not ✗)', async () => {
  const check = await pair.mb('check', 'setup');
  assert.match(check.stdout, /mirror-reads-backups.*cannot read \\\\SQLPRI01\\Backup\\Patriot\.dat: seeding will stop at a manual step/);
});

test("setup stops at the manual copy; after the copy it verifies the files and seeds from the site's own backups", async () => {
  const stopped = await pair.mb('run', 'setup', '--yes');
  assert.not.equal(stopped.code, 0, stopped.stdout.slice(-2000));
  assert.match(stopped.stdout + stopped.stderr, /Copy the newest full backup of Patriot and every log backup after it|copy \S*Patriot\.dat from SQLPRI01 to /);
  for (const file of FILES)
    await pair.lab.control({ op: 'copy', instance: 'SQLMIR01', from: `\\\\SQLPRI01\\C$\\${BACKUP_DIR.slice(3)}\\${file}`, to: `${BACKUP_DIR}\\${file}` });
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-3000) + resumed.stderr);
  assert.match(resumed.stdout, /RESTORE HEADERONLY and VERIFYONLY passed for .*\\Patriot\.dat, .*\\Patriot_log\.dat on SQLMIR01/);
  assert.match(resumed.stdout, /RESTORE VERIFYONLY FROM DISK = N'C:\\Program Files\\[^']*\\Patriot\.dat' WITH FILE = 1/);
  const ours = await pair.sql('SQLPRI01', "SELECT COUNT(*) AS n FROM msdb.dbo.backupmediafamily WHERE physical_device_name LIKE '%_mirrorbook_%'");
  assert.is(ours[0]?.n, 0, 'seed: existing takes no backup of its own');
  await pair.waitFor('SQLPRI01', 'Patriot', 'SYNCHRONIZED', 'PRINCIPAL');
});

test.run();
