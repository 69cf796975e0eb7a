// The procedure's `restore` procedure as T-SQL through the instance's SqlHandler (parser → executors).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backupDirectory } from '../../lab/instance/database.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { createSite } from '../../lab/site.js';

const PASSWORD = 'Str0ng!Passw0rd#1';

async function session(lab: ReturnType<typeof createSite>, name: string): Promise<InProcessSession> {
  const s = await inProcessInstance(lab, name).login('mirrorbook', PASSWORD, 'master');
  if (!('query' in s)) throw new Error(`login failed: ${s.message}`);
  return s;
}

test('full + log backup to the mirror share, restore WITH NORECOVERY in order, progress visible meanwhile', async () => {
  const lab = createSite({ adminPassword: PASSWORD, sizesMB: { Patriot: 1024 } });
  for (const i of Object.values(lab.instances)) i.behaviour.backupMsPerGB = 400;
  const pri = await session(lab, 'SQLPRI01');
  const full = await pri.query("BACKUP DATABASE Patriot TO DISK = N'\\\\SQLMIR01\\Backup\\Patriot.dat' WITH INIT, STATS = 50");
  assert.equal(full.errors, []);
  assert.equal(
    full.messages.filter((m) => m.number === 3211).map((m) => m.message),
    ['50 percent processed.', '100 percent processed.'],
  );
  assert.ok(full.messages.some((m) => m.number === 3014));
  const log = await pri.query("BACKUP LOG Patriot TO DISK = N'\\\\SQLMIR01\\Backup\\Patriot_log.dat' WITH INIT");
  assert.equal(log.errors, []);

  const dir = backupDirectory(lab.instances.SQLMIR01!);
  const mir = await session(lab, 'SQLMIR01');
  const files = await mir.query(`RESTORE FILELISTONLY FROM DISK = N'${dir}\\Patriot.dat'`);
  assert.equal(
    files.resultSets[0]!.rows.map((r) => r[0]),
    ['Patriot', 'Patriot_log'],
  );

  const watcher = await session(lab, 'SQLMIR01');
  const restoring = mir.query(`RESTORE DATABASE Patriot FROM DISK = N'${dir}\\Patriot.dat' WITH NORECOVERY, STATS = 10`);
  let seen = 0;
  let settled = false;
  void restoring.then(() => (settled = true));
  while (!settled && seen === 0) {
    const progress = await watcher.query("SELECT percent_complete FROM sys.dm_exec_requests WHERE command = 'RESTORE DATABASE'");
    seen = Number(progress.resultSets[0]?.rows[0]?.[0] ?? 0);
    await new Promise((r) => setImmediate(r));
  }
  const restored = await restoring;
  assert.equal(restored.errors, []);
  assert.ok(seen > 0 && seen < 100, `percent_complete seen mid-restore: ${seen}`);

  const first = await mir.query(`RESTORE LOG Patriot FROM DISK = N'${dir}\\Patriot_log.dat' WITH NORECOVERY`);
  assert.equal(first.errors, []);
  const again = await mir.query(`RESTORE LOG Patriot FROM DISK = N'${dir}\\Patriot_log.dat' WITH NORECOVERY`);
  assert.equal(
    again.errors.map((e) => e.number),
    [4326, 3013],
  );
  const state = await mir.query("SELECT state_desc FROM sys.databases WHERE name = 'Patriot'");
  assert.equal(state.resultSets[0]!.rows, [['RESTORING']]);
  for (const s of [pri, mir, watcher]) s.close();
});

test('RESTORE over the live principal is refused while the Patriot services use it (3101)', async () => {
  const lab = createSite({ adminPassword: PASSWORD, sizesMB: { Patriot: 64 } });
  const pri = await session(lab, 'SQLPRI01');
  await pri.query("BACKUP DATABASE Patriot TO DISK = N'E:\\Backup\\Patriot.dat' WITH INIT");
  const busy = await pri.query("RESTORE DATABASE Patriot FROM DISK = N'E:\\Backup\\Patriot.dat' WITH REPLACE");
  assert.equal(
    busy.errors.map((e) => e.number),
    [3101, 3013],
  );
  pri.close();
});

test.run();
