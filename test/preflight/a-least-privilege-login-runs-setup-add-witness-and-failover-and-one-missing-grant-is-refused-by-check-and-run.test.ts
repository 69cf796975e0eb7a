// The grant script `mirrorbook init --grants` prints is enough: a login given exactly that (not
// sysadmin) on the principal, the mirror and the witness, on a lab that checks permissions as SQL
// Server documents them, runs setup, add-witness and failover. Without one of its grants `check` names the missing privilege on that server with the
// GRANT as the hint, and `run setup` is refused before any change reaches a server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';
import { runSqlcmd } from '../helpers/sqlcmd.js';
import { grantScript } from '../../steps/login-privileges.js';

const LOGIN = 'mb_least';
const PASSWORD = 'Le4st!Privilege#2026';
const CHANGE = /^\s*(CREATE|ALTER|BACKUP|RESTORE|DROP|GRANT|DENY|REVOKE|USE\s+\S+\s*;\s*(CREATE|ALTER|BACKUP|RESTORE|DROP|GRANT))/i;

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab({ witness: true });
  // One login with the same SID everywhere, as the script's head says; the application login made
  // on the mirror by hand (its password hash needs CONTROL SERVER, which the script does not give).
  await pair.sql('SQLPRI01', `CREATE LOGIN ${LOGIN} WITH PASSWORD = N'${PASSWORD}'`);
  const [login] = await pair.sql(
    'SQLPRI01',
    `SELECT SUSER_SID(N'${LOGIN}') AS sid, SUSER_SID(N'Patriot') AS app_sid, LOGINPROPERTY(N'Patriot', 'PasswordHash') AS app_hash`,
  );
  const hex = (b: unknown) => `0x${(b as Buffer).toString('hex')}`;
  for (const other of ['SQLMIR01', 'SQLWIT01']) await pair.sql(other, `CREATE LOGIN ${LOGIN} WITH PASSWORD = N'${PASSWORD}', SID = ${hex(login!['sid'])}`);
  await pair.sql('SQLMIR01', `CREATE LOGIN Patriot WITH PASSWORD = ${hex(login!['app_hash'])} HASHED, SID = ${hex(login!['app_sid'])}`);
  const script = grantScript(LOGIN);
  for (const instance of ['SQLPRI01', 'SQLMIR01', 'SQLWIT01']) {
    const at = pair.lab.instance(instance);
    // The mirrored databases' part on the principal only (the script says so).
    const text = instance === 'SQLPRI01' ? script : script.slice(0, script.indexOf('-- ── Patriot'));
    await runSqlcmd(`:on error exit\n:connect 127.0.0.1,${at.port} -U ${at.login} -P ${pair.lab.password(instance)}\n${text}`, {});
  }
  writeFileSync(join(pair.lab.dir, 'credentials', 'least.password'), PASSWORD);
  const config = readFileSync(pair.config, 'utf8')
    .replace(/login: mirrorbook/g, `login: ${LOGIN}`)
    .replace(/password: file:credentials\/SQL(PRI|MIR|WIT)01\.password/g, 'password: file:credentials/least.password');
  writeFileSync(pair.config, config);
});
test.after(async () => {
  await pair?.stop();
});

function batches(): { instance: string; login: string; app: string; sql: string }[] {
  return ['SQLPRI01', 'SQLMIR01', 'SQLWIT01'].flatMap((i) =>
    readFileSync(join(pair.lab.dir, 'logs', `${i}.ndjson`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { instance: string; login: string; app: string; sql: string }),
  );
}

test('one grant missing on the mirror: check names it there with its GRANT; run setup is refused with no change sent', async () => {
  await pair.sql('SQLMIR01', `REVOKE ALTER ANY ENDPOINT FROM ${LOGIN}`);
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /login-privileges\s+SQLMIR01\s+✗\s+mb_least lacks ALTER ANY ENDPOINT/);
  assert.match(check.stdout, /GRANT ALTER ANY ENDPOINT TO \[mb_least\];/);
  assert.match(check.stdout, /login-privileges\s+SQLPRI01\s+✔\s+mb_least holds the \d+ privileges setup needs here/);
  const findings = (JSON.parse((await pair.mb('check', 'setup', '--json')).stdout) as { findings: { check: string; server: string; verdict: string }[] })
    .findings;
  assert.equal(
    findings.filter((f) => f.check === 'login-privileges' && f.verdict === 'fail').map((f) => f.server),
    ['SQLMIR01'],
  );

  const before = batches().length;
  const run = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /preflight: 1 check\(s\) failed/);
  assert.equal(
    batches()
      .slice(before)
      .filter((b) => CHANGE.test(b.sql))
      .map((b) => `${b.instance}: ${b.sql}`),
    [],
    'no change reached a server',
  );
  await pair.sql('SQLMIR01', `GRANT ALTER ANY ENDPOINT TO ${LOGIN}`);
});

test('with exactly the script: check passes, setup reaches SYNCHRONIZED, add-witness and failover, all as the least-privileged login', async () => {
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 0, check.stdout + check.stderr);
  const before = batches().length;
  const setup = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  assert.is(setup.code, 0, setup.stdout + setup.stderr);
  await pair.waitFor('SQLPRI01', 'Patriot', 'SYNCHRONIZED', 'PRINCIPAL');
  const witness = await pair.mb('run', 'add-witness', '--yes');
  assert.is(witness.code, 0, witness.stdout + witness.stderr);
  const failover = await pair.mb('run', 'failover', '--yes');
  assert.is(failover.code, 0, failover.stdout + failover.stderr);
  await pair.waitFor('SQLMIR01', 'Patriot', 'SYNCHRONIZED', 'PRINCIPAL');
  await pair.waitFor('SQLMIR01', 'PatriotArchive', 'SYNCHRONIZED', 'PRINCIPAL');
  const [witnessState] = await pair.sql(
    'SQLMIR01',
    `SELECT mirroring_witness_state_desc AS w FROM sys.database_mirroring WHERE database_id = DB_ID(N'Patriot')`,
  );
  assert.is(witnessState!['w'], 'CONNECTED', 'the witness the least-privileged login added watches the session');
  const sent = batches()
    .slice(before)
    .filter((b) => b.app === 'mirrorbook');
  assert.ok(
    sent.some((b) => /SET PARTNER FAILOVER/i.test(b.sql)),
    'the runs sent their changes',
  );
  assert.equal([...new Set(sent.map((b) => b.login))], [LOGIN], 'every batch of the runs came from the least-privileged login');
  const [sysadmin] = await pair.sql('SQLPRI01', `SELECT IS_SRVROLEMEMBER('sysadmin', N'${LOGIN}') AS s`);
  assert.is(sysadmin!['s'], 0);
});

test.run();
