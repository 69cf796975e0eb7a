// SQL Server Agent jobs for a login that is not sysadmin, as the procedures' Permissions sections and
// "SQL Server Agent Fixed Database Roles" document them: without one of msdb's Agent roles
// sp_add_job is refused (229); with SQLAgentUserRole the login creates jobs it owns and changes
// only those (14525 on another login's job); only sysadmin names another owner (14515); an
// operator may enable or disable any job with @enabled alone. DROP TABLE needs ALTER on the
// schema, CONTROL on the table or db_ddladmin (3701), not CREATE TABLE.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn, errorNumbers, firstValue } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const OPS_PASSWORD = 'Op5!least-priv';
const lab = createSite({ adminPassword: PASSWORD });
const instance = inProcessInstance(lab, 'SQLPRI01');
const login = (name: string, password: string): Promise<InProcessSession> => signIn(instance, name, password);

let admin: InProcessSession;
let ops: InProcessSession;
test.before(async () => {
  admin = await login('mirrorbook', PASSWORD);
  await admin.query(`CREATE LOGIN ops WITH PASSWORD = '${OPS_PASSWORD}'; USE msdb; CREATE USER ops FOR LOGIN ops`);
  ops = await login('ops', OPS_PASSWORD);
});

test('without an Agent role sp_add_job is 229; SQLAgentUserRole (msdb only) lets the login add a job it owns, with steps, a schedule and its server', async () => {
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_add_job @job_name = N'Ops job', @enabled = 0`)), [229]);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME(N'msdb.dbo.sp_add_job', 'OBJECT', 'EXECUTE')`), 0);
  assert.equal(errorNumbers(await admin.query(`USE master; ALTER ROLE SQLAgentUserRole ADD MEMBER ops`)), [15151], "the Agent roles are msdb's");
  await admin.query(`USE msdb; ALTER ROLE SQLAgentUserRole ADD MEMBER ops`);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME(N'msdb.dbo.sp_add_job', 'OBJECT', 'EXECUTE')`), 1);
  assert.equal(
    errorNumbers(
      await ops.query(
        `EXEC msdb.dbo.sp_add_job @job_name = N'Ops job', @enabled = 0; EXEC msdb.dbo.sp_add_jobstep @job_name = N'Ops job', @step_name = N'one', @command = N'SELECT 1', @database_name = N'Patriot'; EXEC msdb.dbo.sp_add_jobschedule @job_name = N'Ops job', @name = N'nightly', @freq_type = 4, @freq_interval = 1; EXEC msdb.dbo.sp_add_jobserver @job_name = N'Ops job'`,
      ),
    ),
    [],
  );
  const [owner, opsSid] = (await admin.query(`SELECT j.owner_sid, SUSER_SID(N'ops') FROM msdb.dbo.sysjobs j WHERE j.name = N'Ops job'`)).resultSets[0]!
    .rows[0]!;
  assert.equal((owner as Buffer).toString('hex'), (opsSid as Buffer).toString('hex'), 'the job is owned by the login that added it');
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_add_job @job_name = N'Ops job 2', @owner_login_name = N'ops'`)), [], 'naming itself is allowed');
});

test("only sysadmin names another owner (14515); a member changes only its own jobs (14525); SQLAgentOperatorRole may enable another's job, nothing more", async () => {
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_add_job @job_name = N'For sa', @owner_login_name = N'mirrorbook'`)), [14515]);
  assert.equal(errorNumbers(await admin.query(`EXEC msdb.dbo.sp_add_job @job_name = N'Admin job', @enabled = 0`)), []);
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_add_jobstep @job_name = N'Admin job', @step_name = N'x', @command = N'SELECT 1'`)), [14525]);
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_add_jobschedule @job_name = N'Admin job', @name = N'x', @freq_type = 1`)), [14525]);
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_update_job @job_name = N'Admin job', @enabled = 1`)), [14525]);
  await admin.query(`USE msdb; ALTER ROLE SQLAgentOperatorRole ADD MEMBER ops`);
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_update_job @job_name = N'Admin job', @enabled = 1`)), []);
  assert.equal(await firstValue(admin, `SELECT enabled FROM msdb.dbo.sysjobs WHERE name = N'Admin job'`), 1);
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_update_job @job_name = N'Admin job', @description = N'mine now'`)), [14525]);
  assert.equal(errorNumbers(await admin.query(`EXEC msdb.dbo.sp_add_job @job_name = N'Given', @owner_login_name = N'ops'`)), [], 'a sysadmin may');
  assert.equal(errorNumbers(await ops.query(`EXEC msdb.dbo.sp_add_jobserver @job_name = N'Given'`)), [], 'the owner it named may change it');
});

test('DROP TABLE: CONTROL on the table, ALTER ANY SCHEMA or db_ddladmin; CREATE TABLE alone is 3701', async () => {
  await admin.query(`USE msdb; CREATE TABLE dbo.t1 (id int NOT NULL); CREATE TABLE dbo.t2 (id int NOT NULL); GRANT CREATE TABLE TO ops`);
  assert.equal(errorNumbers(await ops.query(`DROP TABLE msdb.dbo.t1`)), [3701]);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME(N'msdb.dbo.t1', 'OBJECT', 'CONTROL')`), 0);
  await admin.query(`USE msdb; GRANT CONTROL ON dbo.t1 TO ops`);
  assert.equal(await firstValue(ops, `SELECT HAS_PERMS_BY_NAME(N'msdb.dbo.t1', 'OBJECT', 'CONTROL')`), 1);
  assert.equal(errorNumbers(await ops.query(`DROP TABLE msdb.dbo.t1`)), []);
  assert.equal(errorNumbers(await ops.query(`DROP TABLE msdb.dbo.t2`)), [3701]);
  await admin.query(`USE msdb; ALTER ROLE db_ddladmin ADD MEMBER ops`);
  assert.equal(errorNumbers(await ops.query(`DROP TABLE msdb.dbo.t2`)), []);
});

test.run();
