import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { LabState } from '../../lab/model.js';
import { changeServiceAccount, stopClientPrograms } from '../../lab/instance/service.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function connect(lab: LabState, name: string): Promise<InProcessSession> {
  const s = await signIn(inProcessInstance(lab, name), 'mirrorbook', PASSWORD);
  return s;
}

test('by default: SQLPRI01 holds Patriot (FULL) and PatriotArchive (SIMPLE) with data; SQLMIR01 only system databases; no witness', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  assert.equal(Object.keys(lab.instances), ['SQLPRI01', 'SQLMIR01']);
  assert.equal(Object.keys(lab.hosts), ['SQLPRI01', 'SQLMIR01']);
  const p = await connect(lab, 'SQLPRI01');
  const dbs = await p.query(`SELECT name, database_id, recovery_model_desc, state_desc FROM sys.databases ORDER BY database_id`);
  assert.equal(dbs.resultSets[0]?.rows, [
    ['master', 1, 'SIMPLE', 'ONLINE'],
    ['tempdb', 2, 'SIMPLE', 'ONLINE'],
    ['model', 3, 'FULL', 'ONLINE'],
    ['msdb', 4, 'SIMPLE', 'ONLINE'],
    ['Patriot', 5, 'FULL', 'ONLINE'],
    ['PatriotArchive', 6, 'SIMPLE', 'ONLINE'],
  ]);
  const patriot = lab.instances['SQLPRI01']!.databases['Patriot']!;
  assert.ok(patriot.sizeMB >= 2048 && patriot.workloadTps > 0 && Object.keys(patriot.tables).length > 0);
  const tables = await p.query(`USE Patriot; SELECT name FROM sys.tables WHERE name = 'Signals'`);
  assert.equal(tables.resultSets[0]?.rows, [['Signals']]);
  const m = await connect(lab, 'SQLMIR01');
  const mirrorDbs = await m.query(`SELECT COUNT(*) FROM sys.databases WHERE database_id > 4`);
  assert.equal(mirrorDbs.resultSets[0]?.rows, [[0]]);
  assert.not.ok(JSON.stringify(lab).includes(PASSWORD), 'only the scrypt hash of the admin password is kept');
});

test('options: witness, recovery models, version and edition', async () => {
  const lab = createSite({
    adminPassword: PASSWORD,
    witness: true,
    version: '2008R2',
    edition: 'Standard',
    recoveryModels: { Patriot: 'SIMPLE', PatriotArchive: 'FULL' },
  });
  assert.equal(Object.keys(lab.instances), ['SQLPRI01', 'SQLMIR01', 'SQLWIT01']);
  const p = await connect(lab, 'SQLPRI01');
  const r = await p.query(`SELECT recovery_model_desc FROM sys.databases WHERE name IN ('Patriot', 'PatriotArchive') ORDER BY name;
    SELECT SERVERPROPERTY('ProductVersion'), SERVERPROPERTY('Edition'), SERVERPROPERTY('EngineEdition'), SERVERPROPERTY('ProductMajorVersion'), @@VERSION`);
  assert.equal(r.resultSets[0]?.rows, [['SIMPLE'], ['FULL']]);
  const [version, edition, engine, major, text] = r.resultSets[1]!.rows[0]!;
  assert.equal([version, edition, engine, major], ['10.50.6000.34', 'Standard Edition (64-bit)', 2, null]);
  assert.match(String(text), /^Microsoft SQL Server 2008 R2 \(SP3\) - 10\.50\.6000\.34 \(X64\)/);
  assert.match(String(text), /Standard Edition \(64-bit\)/);
});

test('server identity: @@SERVERNAME, MachineName, ServerName, InstanceName, IsHadrEnabled, Collation', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const m = await connect(lab, 'SQLMIR01');
  const r = await m.query(`SELECT @@SERVERNAME, SERVERPROPERTY('MachineName'), SERVERPROPERTY('ServerName'), SERVERPROPERTY('InstanceName'),
    SERVERPROPERTY('IsHadrEnabled'), SERVERPROPERTY('Collation'), SERVERPROPERTY('ProductMajorVersion'), @@SERVICENAME, @@SPID, SUSER_SNAME(), DB_ID('master'), DB_NAME(1)`);
  assert.equal(r.resultSets[0]?.rows, [
    ['SQLMIR01', 'SQLMIR01', 'SQLMIR01', null, 0, 'SQL_Latin1_General_CP1_CI_AS', '15', 'MSSQLSERVER', m.session.spid, 'mirrorbook', 1, 'master'],
  ]);
});

test('the SQL Server service: name, account, start time; a service-account change restarts it', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const p = await connect(lab, 'SQLPRI01');
  const query = `SELECT servicename, status_desc, service_account, process_id, last_startup_time FROM sys.dm_server_services WHERE servicename LIKE 'SQL Server (%'`;
  const before = (await p.query(query)).resultSets[0]!.rows[0]!;
  assert.equal(before.slice(0, 3), ['SQL Server (MSSQLSERVER)', 'Running', 'NT Service\\MSSQLSERVER']);
  changeServiceAccount(lab.instances['SQLPRI01']!, 'CORP\\svc_sqlmirror', new Date());
  const after = (await p.query(query)).resultSets[0]!.rows[0]!;
  assert.is(after[2], 'CORP\\svc_sqlmirror');
  assert.is.not(after[3], before[3]);
  assert.ok((after[4] as Date).getTime() > (before[4] as Date).getTime());
});

test('the Patriot services are connected sessions on the principal until stopped', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const p = await connect(lab, 'SQLPRI01');
  const query = `SELECT program_name, login_name, DB_NAME(database_id) FROM sys.dm_exec_sessions WHERE program_name LIKE 'Patriot%' ORDER BY session_id`;
  assert.equal((await p.query(query)).resultSets[0]?.rows, [
    ['Patriot Data Service', 'Patriot', 'Patriot'],
    ['Patriot Task Service', 'Patriot', 'Patriot'],
  ]);
  const mine = await p.query(`SELECT program_name, login_name, status FROM sys.dm_exec_sessions WHERE session_id = @@SPID`);
  assert.equal(mine.resultSets[0]?.rows, [['lab-test', 'mirrorbook', 'running']]);
  assert.is(stopClientPrograms(lab.instances['SQLPRI01']!, 'Patriot Data Service'), 1);
  assert.equal((await p.query(query)).resultSets[0]?.rows, [['Patriot Task Service', 'Patriot', 'Patriot']]);
});

test.run();
