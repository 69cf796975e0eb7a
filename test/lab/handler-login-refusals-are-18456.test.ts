import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance } from '../../lab/server/in-process.js';
import type { SqlMessage } from '../../lab/tds/handler.js';

const PASSWORD = 'Adm1n!pass';

function refusal(result: unknown): SqlMessage {
  if (result && typeof result === 'object' && 'query' in result) throw new Error('login unexpectedly succeeded');
  return result as SqlMessage;
}

test('wrong password, unknown login, disabled login and Windows login over SQL auth are all 18456 (never 4060)', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const instance = inProcessInstance(lab, 'SQLPRI01');
  const wrong = refusal(await instance.login('mirrorbook', 'not-it'));
  assert.equal([wrong.number, wrong.class, wrong.state], [18456, 14, 8]);
  assert.is(wrong.message.startsWith("Login failed for user 'mirrorbook'."), true);
  assert.equal([refusal(await instance.login('nobody', PASSWORD)).number], [18456]);
  assert.equal([refusal(await instance.login('sa', PASSWORD)).number], [18456]);
  assert.equal([refusal(await instance.login('NT AUTHORITY\\SYSTEM', '')).number], [18456]);
  const missingDb = refusal(await instance.login('mirrorbook', PASSWORD, 'NoSuchDb'));
  assert.is(missingDb.number, 18456);
});

test('a login disabled with ALTER LOGIN … DISABLE can no longer connect; the right password connects', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const instance = inProcessInstance(lab, 'SQLPRI01');
  const admin = await instance.login('mirrorbook', PASSWORD);
  if (!('query' in admin)) throw new Error(admin.message);
  await admin.query(`CREATE LOGIN ops WITH PASSWORD = 'Ops!pass2025'`);
  assert.ok('query' in (await instance.login('ops', 'Ops!pass2025')));
  await admin.query(`ALTER LOGIN ops DISABLE`);
  const refused = refusal(await instance.login('ops', 'Ops!pass2025'));
  assert.equal([refused.number, refused.state], [18456, 7]);
});

test('a login asking for a database it cannot open (restoring, mirror) is refused; the default database is used otherwise', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  lab.instances['SQLPRI01']!.databases['PatriotArchive']!.state = 'RESTORING';
  const instance = inProcessInstance(lab, 'SQLPRI01');
  assert.is(refusal(await instance.login('mirrorbook', PASSWORD, 'PatriotArchive')).number, 18456);
  const s = await instance.login('mirrorbook', PASSWORD, 'patriot');
  if (!('query' in s)) throw new Error(s.message);
  assert.is(s.session.database, 'Patriot');
});

test('a down instance refuses logins', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  lab.faults['SQLPRI01']!.down = true;
  assert.is(refusal(await inProcessInstance(lab, 'SQLPRI01').login('mirrorbook', PASSWORD)).number, 18456);
});

test.run();
