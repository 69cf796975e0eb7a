// The error log is numbered like SQL Server's: every start (a lab fault down/up, a service-account
// change, the lab process started again) and sp_cycle_errorlog make a new current log; the old one
// becomes archive 1, 1 becomes 2 … six archives are kept (learn.microsoft.com: sp_cycle_errorlog,
// "Configure SQL Server Error Logs"). sp_readerrorlog n reads archive n, xp_enumerrorlogs lists them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newLogin } from '../../lab/instance/principals.js';
import { restartService, stopService } from '../../lab/instance/service.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { openLab } from '../../lab/control/running-lab.js';
import type { LabState } from '../../lab/model.js';
import { PRI, mirroringLab } from './mirroring-fixture.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
let now = new Date('2026-03-01T10:00:00.000Z');
const later = (): Date => (now = new Date(now.getTime() + 60_000));

async function session(lab: LabState, sysadmin = true): Promise<InProcessSession> {
  const instance = lab.instances[PRI]!;
  const name = sysadmin ? 'dba' : 'app';
  const login = newLogin(lab, { name, type: 'S', password: PASSWORD, now });
  instance.logins[login.name] = login;
  if (sysadmin) instance.serverRoleMembers['sysadmin'] = [...(instance.serverRoleMembers['sysadmin'] ?? []), login.name];
  const s = await signIn(inProcessInstance(lab, PRI, { now: () => now, advance: () => undefined }), name, PASSWORD);
  return s;
}

const texts = async (s: InProcessSession, log: number): Promise<string[]> => {
  const r = await s.query(`EXEC sp_readerrorlog ${log}`);
  assert.equal(r.errors, [], `sp_readerrorlog ${log}`);
  return (r.resultSets[0]?.rows ?? []).map((row) => String(row[2]));
};

test('a restart starts a new current log; the previous one is archive 1 and keeps its lines', async () => {
  const lab = mirroringLab();
  const instance = lab.instances[PRI]!;
  instance.errorLog.push({ ts: now.toISOString(), text: 'before the restart' });
  stopService(instance, later());
  restartService(instance, later());
  const s = await session(lab);
  const current = await texts(s, 0);
  assert.match(current[0]!, /^Microsoft SQL Server 2019/);
  assert.ok(
    current.some((t) => /Copyright/.test(t)),
    current.join('\n'),
  );
  assert.match(current.at(-1)!, /SQL Server is starting at normal priority base/);
  assert.not.ok(current.includes('before the restart'));
  const previous = await texts(s, 1);
  assert.ok(previous.includes('before the restart'));
  assert.match(previous.at(-1)!, /terminating in response to a 'stop' request/);
  const missing = await s.query('EXEC sp_readerrorlog 2');
  assert.equal(
    missing.errors.map((e) => e.number),
    [22004],
  );
});

test('sp_cycle_errorlog cycles like a restart, keeps six archives, xp_enumerrorlogs lists them; both need sysadmin', async () => {
  const lab = mirroringLab();
  const s = await session(lab);
  for (let i = 1; i <= 8; i++) {
    later();
    lab.instances[PRI]!.errorLog.push({ ts: now.toISOString(), text: `mark ${i}` });
    const r = await s.query('EXEC sp_cycle_errorlog');
    assert.equal(r.errors, []);
  }
  const current = await texts(s, 0);
  assert.match(current.at(-1)!, /The error log has been reinitialized/);
  assert.ok((await texts(s, 1)).includes('mark 8'));
  assert.match((await texts(s, 1)).at(-1)!, /Attempting to cycle error log/);
  assert.ok((await texts(s, 6)).includes('mark 3'));
  assert.equal(
    (await s.query('EXEC sp_readerrorlog 7')).errors.map((e) => e.number),
    [22004],
  );
  const listed = await s.query('EXEC xp_enumerrorlogs');
  assert.equal(listed.errors, []);
  assert.equal(
    listed.resultSets[0]?.columns.map((c) => c.name),
    ['Archive #', 'Date', 'Log File Size (Byte)'],
  );
  assert.equal(
    listed.resultSets[0]?.rows.map((row) => row[0]),
    [0, 1, 2, 3, 4, 5, 6],
  );

  const app = await session(lab, false);
  assert.equal(
    (await app.query('EXEC sp_cycle_errorlog')).errors.map((e) => e.number),
    [15247],
  );
});

test('the lab process started again starts every instance again: a new current log, the old one archived', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-errorlog-'));
  try {
    const first = await openLab({ dir });
    const startedAt = first.lab.instances[PRI]!.service.lastStartupTime;
    first.lab.instances[PRI]!.errorLog.push({ ts: new Date().toISOString(), text: 'written before the lab stopped' });
    await first.stop();
    const second = await openLab({ dir });
    try {
      const instance = second.lab.instances[PRI]!;
      assert.is.not(instance.service.lastStartupTime, startedAt);
      assert.not.ok(instance.errorLog.some((line) => line.text === 'written before the lab stopped'));
      assert.ok(instance.errorLogArchives?.[0]?.lines.some((line) => line.text === 'written before the lab stopped'));
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
