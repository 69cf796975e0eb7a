// sp_who2 returns its own columns (not sp_who's); sp_readerrorlog applies its log number, log type
// and both search strings.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const instance = inProcessInstance(createSite({ adminPassword: PASSWORD }), 'SQLPRI01');
async function session(): Promise<InProcessSession> {
  const s = await signIn(instance, 'mirrorbook', PASSWORD);
  return s;
}

test('sp_who2: SPID, Status, Login, HostName, BlkBy, DBName, Command, CPUTime, DiskIO, LastBatch, ProgramName, SPID, REQUESTID', async () => {
  const s = await session();
  const r = await s.query('EXEC sp_who2');
  assert.equal(r.errors, []);
  assert.equal(
    r.resultSets[0]?.columns.map((c) => c.name),
    ['SPID', 'Status', 'Login', 'HostName', 'BlkBy', 'DBName', 'Command', 'CPUTime', 'DiskIO', 'LastBatch', 'ProgramName', 'SPID', 'REQUESTID'],
  );
  const mine = r.resultSets[0]!.rows.find((row) => String(row[0]).trim() === String(s.session.spid));
  assert.ok(mine, 'this session is listed');
  assert.equal([mine[2], mine[3], mine[5], mine[10]], ['mirrorbook', 'TESTHOST', 'master', 'lab-test']);
  assert.match(String(mine[9]), /^\d\d\/\d\d \d\d:\d\d:\d\d$/);
  s.close();
});

test('sp_readerrorlog 0, 1, search1, search2 returns only the lines holding both strings; an archive the lab has not kept is 22004', async () => {
  await instance.login('mirrorbook', 'wrong-password');
  await instance.login('nobody', 'wrong-password');
  const s = await session();
  const all = await s.query('EXEC sp_readerrorlog');
  assert.ok(all.resultSets[0]!.rows.length >= 4);
  const failed = await s.query("EXEC sp_readerrorlog 0, 1, N'Login failed', N'nobody'");
  assert.equal(
    failed.resultSets[0]?.rows.map((row) => row[2]),
    ["Login failed for user 'nobody'. Reason: Could not find a login matching the name provided. [CLIENT: 127.0.0.1]"],
  );
  const oneString = await s.query("EXEC sp_readerrorlog 0, 1, N'LOGIN FAILED'");
  assert.is(oneString.resultSets[0]?.rows.length, 2, 'case-insensitive, one line per failed login');
  assert.equal(
    (await s.query('EXEC sp_readerrorlog 1')).errors.map((e) => e.number),
    [22004],
  );
  s.close();
});

test.run();
