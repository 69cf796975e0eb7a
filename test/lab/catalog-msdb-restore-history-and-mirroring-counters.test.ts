import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newLogin } from '../../lab/instance/principals.js';
import { newDatabaseState } from '../../lab/instance/database.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { LabState } from '../../lab/model.js';
import { MIR, PRI, mirroredLab, mirroringLab, seedMirror } from './mirroring-fixture.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const NOW = new Date('2026-03-01T10:00:00.000Z');

async function admin(lab: LabState, name: string): Promise<InProcessSession> {
  const instance = lab.instances[name]!;
  // The mirroring fixture builds instances with master only; msdb holds the history tables.
  instance.databases['msdb'] ??= newDatabaseState({
    name: 'msdb',
    databaseId: 4,
    dataDirectory: 'C:\\DATA',
    now: NOW,
    sizeMB: 24,
    recoveryModel: 'SIMPLE',
    isSystem: true,
  });
  const login = newLogin(lab, { name: 'mirrorbook', type: 'S', password: PASSWORD, now: NOW });
  instance.logins[login.name] = login;
  instance.serverRoleMembers['sysadmin'] = [...(instance.serverRoleMembers['sysadmin'] ?? []), login.name];
  const s = await signIn(inProcessInstance(lab, name, { now: () => NOW, advance: () => undefined }), 'mirrorbook', PASSWORD);
  return s;
}

test('the mirror records what it restored: msdb.dbo.restorehistory joined to backupset gives the last restored LSN', async () => {
  const lab = mirroringLab();
  await seedMirror(lab);
  const m = await admin(lab, MIR);
  const r = await m.query(`SELECT r.restore_history_id, r.restore_type, b.type, b.server_name, b.last_lsn FROM msdb.dbo.restorehistory r
    JOIN msdb.dbo.backupset b ON b.backup_set_id = r.backup_set_id WHERE r.destination_database_name = 'Patriot' ORDER BY r.restore_history_id`);
  assert.equal(r.errors, []);
  const log = Object.values(lab.hosts[MIR]!.files)
    .flatMap((f) => (f.kind === 'backup' ? f.media : []))
    .find((s) => s.type === 'LOG')!;
  assert.equal(r.resultSets[0]?.rows, [
    [1, 'D', 'D', PRI, r.resultSets[0]?.rows[0]?.[4]],
    [2, 'L', 'L', PRI, log.lastLsn],
  ]);
  const p = await admin(lab, PRI);
  const written = await p.query(
    `SELECT type, server_name FROM msdb.dbo.backupset WHERE database_name = 'Patriot' ORDER BY backup_set_id; SELECT COUNT(*) FROM msdb.dbo.restorehistory`,
  );
  assert.equal(
    written.resultSets.map((rs) => rs.rows),
    [
      [
        ['D', PRI],
        ['L', PRI],
      ],
      [[0]],
    ],
  );
});

test('sys.dm_os_performance_counters shows the Database Mirroring queues per database', async () => {
  const { lab } = await mirroredLab();
  lab.instances[PRI]!.databases['Patriot']!.mirroring!.sendQueueKB = 1234;
  const p = await admin(lab, PRI);
  const r = await p.query(`SELECT RTRIM(counter_name), cntr_value FROM sys.dm_os_performance_counters
    WHERE object_name LIKE '%Database Mirroring%' AND instance_name = 'Patriot' AND counter_name IN ('Log Send Queue KB', 'Redo Queue KB') ORDER BY counter_name`);
  assert.equal(r.errors, []);
  assert.equal(r.resultSets[0]?.rows, [
    ['Log Send Queue KB', 1234],
    ['Redo Queue KB', 0],
  ]);
  const total = await p.query(`SELECT cntr_value FROM sys.dm_os_performance_counters WHERE instance_name = '_Total' AND counter_name = 'Log Send Queue KB'`);
  assert.equal(total.resultSets[0]?.rows, [[1234]]);
});

test.run();
