// What the login needs depends on the options a procedure runs with, and `check` takes the run's
// options: a login given exactly `mirrorbook init --grants` passes `check cleanup`, but `check
// cleanup --remove-backups` names sysadmin (xp_delete_file) on both partners with what to do, and
// `run cleanup --remove-backups` is refused before any change is sent. --drop-anchors needs CONTROL
// on the anchors table (the script grants it). copy-agent-jobs needs msdb's SQLAgentUserRole: without
// it check and run refuse on that partner before any change; with it the least-privileged login
// copies the job, which it then owns (no @owner_login_name is sent: only sysadmin may set it); a job
// with a CmdExec step needs sysadmin (no proxy is copied) and is refused before any change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';
import { runSqlcmd } from '../helpers/sqlcmd.js';
import { grantScript } from '../../steps/login-privileges.js';

const LOGIN = 'mb_least';
const PASSWORD = 'Le4st!Privilege#2026';
const CHANGE =
  /^\s*(CREATE|ALTER|BACKUP|RESTORE|DROP|GRANT|DENY|REVOKE|EXEC(UTE)?\s+(msdb\.dbo\.sp_add_job|xp_delete_file|master\.(dbo\.|sys\.)?xp_delete_file))/i;
const JOB = `EXEC msdb.dbo.sp_add_job @job_name = N'Patriot - log backup';
EXEC msdb.dbo.sp_add_jobstep @job_name = N'Patriot - log backup', @step_name = N'Back up the log', @command = N'BACKUP LOG Patriot TO DISK = N''E:\\Backup\\Patriot_log.trn''', @database_name = N'master';
EXEC msdb.dbo.sp_add_jobserver @job_name = N'Patriot - log backup'`;

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
  await pair.sql('SQLPRI01', `CREATE LOGIN ${LOGIN} WITH PASSWORD = N'${PASSWORD}'`);
  const [login] = await pair.sql('SQLPRI01', `SELECT SUSER_SID(N'${LOGIN}') AS sid`);
  await pair.sql('SQLMIR01', `CREATE LOGIN ${LOGIN} WITH PASSWORD = N'${PASSWORD}', SID = 0x${(login!['sid'] as Buffer).toString('hex')}`);
  const script = grantScript(LOGIN);
  for (const instance of ['SQLPRI01', 'SQLMIR01']) {
    const at = pair.lab.instance(instance);
    const text = instance === 'SQLPRI01' ? script : script.slice(0, script.indexOf('-- ── Patriot'));
    await runSqlcmd(`:on error exit\n:connect 127.0.0.1,${at.port} -U ${at.login} -P ${pair.lab.password(instance)}\n${text}`, {});
  }
  await pair.sql('SQLPRI01', JOB);
  // Mirroring set up by a sysadmin: cleanup and copy-agent-jobs act on a pair that has it.
  const setup = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  if (setup.code !== 0) throw new Error(setup.stdout + setup.stderr);
  writeFileSync(join(pair.lab.dir, 'credentials', 'least.password'), PASSWORD);
  const config = readFileSync(pair.config, 'utf8')
    .replace(/login: mirrorbook/g, `login: ${LOGIN}`)
    .replace(/password: file:credentials\/SQL(PRI|MIR)01\.password/g, 'password: file:credentials/least.password');
  writeFileSync(pair.config, config);
});
test.after(async () => {
  await pair?.stop();
});

const INSTANCES = ['SQLPRI01', 'SQLMIR01'];
const batches = (instance: string) =>
  readFileSync(join(pair.lab.dir, 'logs', `${instance}.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { app: string; sql: string });
/** How many batches each server has logged so far. */
const sent = () => INSTANCES.map((i) => batches(i).length);
/** The changes mirrorbook sent to each server after `before`. */
function changesSince(before: number[]): string[] {
  return INSTANCES.flatMap((instance, i) =>
    batches(instance)
      .slice(before[i])
      .filter((b) => b.app === 'mirrorbook' && CHANGE.test(b.sql))
      .map((b) => `${instance}: ${b.sql}`),
  );
}
function loginRows(stdout: string): { server: string; verdict: string; found: string; hint?: string }[] {
  const { findings } = JSON.parse(stdout) as { findings: { check: string; server: string; verdict: string; found: string; hint?: string }[] };
  return findings.filter((f) => f.check === 'login-privileges');
}

test('cleanup: the script is enough without options and with --drop-anchors; --remove-backups names sysadmin on both partners, and run is refused with no change sent', async () => {
  const plain = await pair.mb('check', 'cleanup', '--json');
  assert.equal(
    loginRows(plain.stdout).map((r) => r.verdict),
    ['ok', 'ok'],
    plain.stdout,
  );
  const anchors = await pair.mb('check', 'cleanup', '--drop-anchors');
  assert.match(anchors.stdout, /login-privileges\s+SQLMIR01\s+✔\s+mb_least holds the \d+ privileges cleanup --drop-anchors needs here/);

  const check = await pair.mb('check', 'cleanup', '--remove-backups');
  assert.is(check.code, 1, check.stdout + check.stderr);
  for (const server of ['SQLPRI01', 'SQLMIR01'])
    assert.match(check.stdout, new RegExp(`login-privileges\\s+${server}\\s+✗\\s+mb_least lacks sysadmin, which cleanup --remove-backups needs`));
  assert.match(check.stdout, /run `cleanup --remove-backups` with a sysadmin login/);
  assert.match(check.stdout, /ALTER SERVER ROLE \[sysadmin\] ADD MEMBER \[mb_least\];/);
  assert.match(check.stdout, /check cleanup --remove-backups: /);

  const before = sent();
  const run = await pair.mb('run', 'cleanup', '--remove-backups', '--yes');
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /preflight: 2 check\(s\) failed/);
  assert.equal(changesSince(before), [], 'no change reached a server');
});

test('--drop-anchors without CONTROL on the anchors table on the mirror: check names it there with its GRANT', async () => {
  await pair.sql('SQLMIR01', `USE msdb; REVOKE CONTROL ON dbo.mirrorbook_run_anchors FROM ${LOGIN}`);
  const check = await pair.mb('check', 'cleanup', '--drop-anchors', '--json');
  assert.is(check.code, 1, check.stdout);
  const failed = loginRows(check.stdout).filter((r) => r.verdict === 'fail');
  assert.equal(
    failed.map((r) => `${r.server}: ${r.found}`),
    ['SQLMIR01: mb_least lacks CONTROL on msdb.dbo.mirrorbook_run_anchors, which cleanup --drop-anchors needs'],
  );
  assert.match(failed[0]!.hint!, /USE \[msdb\]; .*GRANT CONTROL ON dbo\.mirrorbook_run_anchors TO \[mb_least\];/);
  assert.is((await pair.mb('check', 'cleanup')).code, 0, 'cleanup without the option does not need it');
  await pair.sql('SQLMIR01', `USE msdb; GRANT CONTROL ON dbo.mirrorbook_run_anchors TO ${LOGIN}`);
});

test('copy-agent-jobs without SQLAgentUserRole on the mirror: check names it with the grant, run is refused before any change; with it the login copies the job and owns the copy', async () => {
  await pair.sql('SQLMIR01', `USE msdb; ALTER ROLE SQLAgentUserRole DROP MEMBER ${LOGIN}`);
  const check = await pair.mb('check', 'copy-agent-jobs');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /login-privileges\s+SQLMIR01\s+✗\s+mb_least lacks msdb SQLAgentUserRole, which copy-agent-jobs needs/);
  assert.match(check.stdout, /ALTER ROLE \[SQLAgentUserRole\] ADD MEMBER \[mb_least\];/);
  assert.match(check.stdout, /login-privileges\s+SQLPRI01\s+✔/);
  const before = sent();
  const refused = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(refused.code, 1, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /preflight: 1 check\(s\) failed/);
  assert.equal(changesSince(before), [], 'no change reached a server');

  await pair.sql('SQLMIR01', `USE msdb; ALTER ROLE SQLAgentUserRole ADD MEMBER ${LOGIN}`);
  assert.is((await pair.mb('check', 'copy-agent-jobs')).code, 0);
  const copy = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(copy.code, 0, copy.stdout + copy.stderr);
  const [job] = await pair.sql(
    'SQLMIR01',
    `SELECT j.enabled, SUSER_SNAME(j.owner_sid) AS owner FROM msdb.dbo.sysjobs j WHERE j.name = N'Patriot - log backup'`,
  );
  assert.equal({ ...job }, { enabled: 0, owner: LOGIN }, 'the copy is disabled and owned by the login that made it');
});

test('a job with a CmdExec step: sp_add_jobstep takes it without a proxy only from a sysadmin, so check and run refuse it on the mirror before sp_add_job leaves a job without steps', async () => {
  await pair.sql(
    'SQLPRI01',
    `EXEC msdb.dbo.sp_add_job @job_name = N'Patriot - export'; EXEC msdb.dbo.sp_add_jobstep @job_name = N'Patriot - export', @step_name = N'bcp', @subsystem = N'CmdExec', @command = N'bcp Patriot.dbo.Alarm out E:\\export.dat -T'`,
  );
  const check = await pair.mb('check', 'copy-agent-jobs');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /agent-jobs\s+SQLMIR01\s+✗\s+the login is not sysadmin here, .*'Patriot - export' \(CmdExec step 1\)/);
  assert.match(check.stdout, /run it with a sysadmin login in the config/);
  const before = sent();
  const run = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.equal(changesSince(before), [], 'no change reached a server');
  const [copies] = await pair.sql('SQLMIR01', `SELECT COUNT(*) AS n FROM msdb.dbo.sysjobs WHERE name = N'Patriot - export'`);
  assert.is(copies!['n'], 0);
});

test.run();
