import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

test('another session sees BACKUP DATABASE in sys.dm_exec_requests with a growing percent_complete', async () => {
  const lab = createSite({ adminPassword: PASSWORD, sizesMB: { Patriot: 2048 } });
  lab.instances['SQLPRI01']!.behaviour.backupMsPerGB = 400;
  const instance = inProcessInstance(lab, 'SQLPRI01');
  const login = async (): Promise<InProcessSession> => {
    const s = await signIn(instance, 'mirrorbook', PASSWORD);
    return s;
  };
  const worker = await login();
  const watcher = await login();
  const backup = worker.query(`BACKUP DATABASE Patriot TO DISK = 'C:\\Temp\\Patriot.dat' WITH INIT, STATS = 10`);
  const seen: number[] = [];
  let columns: string[] = [];
  for (let polls = 0; polls < 400 && (seen.length === 0 || seen.at(-1)! < 100); polls++) {
    const r = await watcher.query(
      `SELECT session_id, command, percent_complete, estimated_completion_time, status FROM sys.dm_exec_requests WHERE session_id <> @@SPID`,
    );
    columns = r.resultSets[0]!.columns.map((c) => `${c.name} ${c.sqlType.type}`);
    const row = r.resultSets[0]!.rows[0];
    if (!row) {
      if (seen.length > 0) break;
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    assert.equal(row.slice(0, 2), [worker.session.spid, 'BACKUP DATABASE']);
    seen.push(row[2] as number);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const done = await backup;
  assert.equal(done.errors, []);
  assert.equal(columns, ['session_id smallint', 'command nvarchar', 'percent_complete real', 'estimated_completion_time bigint', 'status nvarchar']);
  assert.ok(seen.length >= 2, `saw progress ${seen.join(',')}`);
  assert.ok(
    seen.some((p) => p > 0 && p < 100),
    `an intermediate percentage was visible: ${seen.join(',')}`,
  );
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! >= seen[i - 1]!, 'percent_complete never goes back');
  const after = await watcher.query(`SELECT COUNT(*) FROM sys.dm_exec_requests WHERE session_id = ${worker.session.spid}`);
  assert.equal(after.resultSets[0]?.rows, [[0]]);
});

test('sp_who lists sessions and xp_readerrorlog shows the endpoint starting', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const s = await signIn(inProcessInstance(lab, 'SQLPRI01'), 'mirrorbook', PASSWORD);
  await s.query(`CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1430) FOR DATABASE_MIRRORING (ROLE = ALL)`);
  const who = await s.query(`EXEC sp_who`);
  assert.ok(who.resultSets[0]?.rows.some((row) => row[0] === s.session.spid && row[3] === 'mirrorbook'));
  const log = await s.query(`EXEC xp_readerrorlog`);
  assert.ok(log.resultSets[0]?.rows.some((row) => String(row[2]).includes('The Database Mirroring endpoint is now listening for connections.')));
});

test.run();
