import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance } from '../../lab/server/in-process.js';
import type { SqlMessage } from '../../lab/tds/handler.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

function refusal(result: unknown): SqlMessage {
  if (result && typeof result === 'object' && 'query' in result) throw new Error('login unexpectedly succeeded');
  return result as SqlMessage;
}

const logText = (lab: ReturnType<typeof createSite>) => lab.instances['SQLPRI01']!.errorLog.map((line) => line.text).join('\n');

test('wrong password, unknown login, disabled login and Windows login over SQL auth are all 18456 state 1 to the client; the reason and state go to the error log', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const instance = inProcessInstance(lab, 'SQLPRI01');
  const wrong = refusal(await instance.login('mirrorbook', 'not-it'));
  assert.equal([wrong.number, wrong.class, wrong.state, wrong.message], [18456, 14, 1, "Login failed for user 'mirrorbook'."]);
  assert.match(
    logText(lab),
    /Error: 18456, Severity: 14, State: 8\.\nLogin failed for user 'mirrorbook'\. Reason: Password did not match that for the login provided\. \[CLIENT: 127\.0\.0\.1\]/,
  );
  assert.equal([refusal(await instance.login('nobody', PASSWORD)).number], [18456]);
  assert.equal([refusal(await instance.login('sa', PASSWORD)).number], [18456]);
  assert.equal([refusal(await instance.login('NT AUTHORITY\\SYSTEM', '')).number], [18456]);
  assert.match(logText(lab), /State: 5\.\nLogin failed for user 'nobody'\. Reason: Could not find a login matching the name provided\./);
});

test('a database the login cannot open is 4060 then 18456 state 1; the error log says state 38 and which database', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const instance = inProcessInstance(lab, 'SQLPRI01');
  const result = await instance.handler.login({
    user: 'mirrorbook',
    password: PASSWORD,
    database: 'NoSuchDb',
    hostName: 'h',
    appName: 'a',
    clientLibrary: 'c',
    serverName: 'SQLPRI01',
  });
  assert.ok(!result.ok);
  assert.equal(
    result.before?.map((m) => [m.number, m.class, m.message]),
    [[4060, 11, 'Cannot open database "NoSuchDb" requested by the login. The login failed.']],
  );
  assert.equal([result.error.number, result.error.state], [18456, 1]);
  assert.match(logText(lab), /State: 38\.\nLogin failed for user 'mirrorbook'\. Reason: Failed to open the explicitly specified database 'NoSuchDb'\./);
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
  assert.equal([refused.number, refused.state], [18456, 1]);
  assert.match(logText(lab), /State: 7\.\nLogin failed for user 'ops'\. Reason: The account is disabled\./);
});

test('a login asking for a database it cannot open (restoring, mirror) is refused; the default database is used otherwise', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  lab.instances['SQLPRI01']!.databases['PatriotArchive']!.state = 'RESTORING';
  const instance = inProcessInstance(lab, 'SQLPRI01');
  assert.is(refusal(await instance.login('mirrorbook', PASSWORD, 'PatriotArchive')).number, 18456);
  const s = await signIn(instance, 'mirrorbook', PASSWORD, 'patriot');
  assert.is(s.session.database, 'Patriot');
});

test('a down instance refuses logins', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  lab.faults['SQLPRI01']!.down = true;
  assert.is(refusal(await inProcessInstance(lab, 'SQLPRI01').login('mirrorbook', PASSWORD)).number, 18456);
});

test.run();
