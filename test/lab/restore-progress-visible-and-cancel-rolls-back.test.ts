import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backup } from '../../lab/storage/backup.js';
import { restore } from '../../lab/storage/restore.js';
import { listActiveRequests } from '../../lab/storage/requests.js';
import { testEnv, twoHostLab } from './storage-fixture.js';

test('another connection sees percent_complete grow while a restore runs', async () => {
  const lab = twoHostLab();
  await backup(testEnv(lab, 'SQLPRI01'), { database: 'Patriot', log: false, disk: '\\\\SQLMIR01\\Backup\\Patriot.dat' });
  const mir = testEnv(lab, 'SQLMIR01', { manual: true, spid: 61 });
  const running = restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: false, stats: 10 });
  await mir.step();
  await mir.step();
  await mir.step();
  const [request] = listActiveRequests('sqlmir01');
  assert.ok(request);
  assert.is(request!.command, 'RESTORE DATABASE');
  assert.is(request!.sessionId, 61);
  assert.is(request!.percentComplete, 30);
  assert.ok(request!.estimatedCompletionTime > 0);
  assert.is(lab.instances.SQLMIR01!.databases.Patriot, undefined, 'nothing restored yet');
  while (mir.pendingWork() > 0 || listActiveRequests('SQLMIR01').length > 0) await mir.step();
  await running;
  assert.is(lab.instances.SQLMIR01!.databases.Patriot!.state, 'RESTORING');
  assert.equal(listActiveRequests('SQLMIR01'), []);
});

test('ATTENTION during a backup leaves no media and no request behind', async () => {
  const lab = twoHostLab();
  const pri = testEnv(lab, 'SQLPRI01', { manual: true });
  const running = backup(pri, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat' });
  await pri.step();
  assert.is(listActiveRequests('SQLPRI01')[0]!.command, 'BACKUP DATABASE');
  pri.abort();
  await running.then(
    () => assert.unreachable('a cancelled backup must not succeed'),
    () => undefined,
  );
  assert.equal(listActiveRequests('SQLPRI01'), []);
  assert.is(lab.hosts.SQLPRI01!.files['C:\\BACKUP\\PATRIOT.DAT'], undefined);
  assert.is(lab.instances.SQLPRI01!.databases.Patriot!.log.logChainStarted, false);
});

test.run();
