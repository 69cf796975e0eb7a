// `lab sessions` (simulated client programs such as the Patriot services) and `lab service-account`
// (changes the account and restarts the instance: new start time, connections dropped).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { connect } from '../fixtures/lab/pair.js';
import type { ClientProgram } from '../../lab/model.js';

let lab: TestLab;

test.before(async () => {
  lab = await startTestLab();
});

const programs = async (instance: string): Promise<ClientProgram[]> =>
  JSON.parse((await lab.cli('sessions', instance, 'list', '--json')).stdout) as ClientProgram[];

test('the principal runs the Patriot services; sys.dm_exec_sessions shows them', async () => {
  const names = (await programs('SQLPRI01')).map((p) => p.programName);
  assert.ok(
    names.some((n) => n.startsWith('Patriot')),
    names.join(', '),
  );
  const session = await connect(lab, 'SQLPRI01');
  const rows = await session.run("SELECT program_name FROM sys.dm_exec_sessions WHERE program_name LIKE 'Patriot%'");
  await session.close();
  assert.ok(rows.length >= 1);
});

test('stop and start a program on an instance', async () => {
  const stopped = await lab.cli('sessions', 'SQLPRI01', 'stop', 'Patriot');
  assert.is(stopped.code, 0, stopped.stderr);
  assert.not.ok((await programs('SQLPRI01')).some((p) => p.programName.startsWith('Patriot')));
  const started = await lab.cli('sessions', 'SQLMIR01', 'start', 'Patriot', 'Data', 'Service');
  assert.is(started.code, 0, started.stderr);
  assert.ok((await programs('SQLMIR01')).some((p) => p.programName === 'Patriot Data Service'));
  const missing = await lab.cli('sessions', 'SQLPRI01', 'stop', 'Nothing');
  assert.is(missing.code, 2, 'naming what the lab does not have is bad usage');
  assert.match(missing.stderr, "no client program 'Nothing'");
});

test('lab behaviour lists every switch with the value in effect, the defaults of those never set included', async () => {
  const listed = await lab.cli('behaviour', 'SQLPRI01');
  assert.is(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^SQLPRI01: .*\bbackupMsPerGB=1500\b/);
  assert.match(listed.stdout, /\bsynchronizedAfterMs=3000\b/, 'the realistic SYNCHRONIZING time a new lab has');
  assert.is((await lab.cli('behaviour', 'SQLPRI01', 'synchronizedAfterMs', '40')).code, 0);
  assert.match((await lab.cli('behaviour', 'SQLPRI01')).stdout, /\bsynchronizedAfterMs=40\b/);
});

test('an instance, a behaviour switch or a value the lab does not have exits 2 naming it', async () => {
  for (const [args, said] of [
    [['fault', 'SQLPRI99', 'down'], "no instance named 'SQLPRI99'"],
    [['behaviour', 'SQLPRI01', 'noSuchSwitch', '1'], "no behaviour switch 'noSuchSwitch'"],
  ] as const) {
    const result = await lab.cli(...args);
    assert.is(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, said);
  }
});

test('service-account changes the account and restarts the instance', async () => {
  const session = await connect(lab, 'SQLPRI01');
  const before = (
    await session.run("SELECT service_account, last_startup_time, @@SPID AS spid FROM sys.dm_server_services WHERE servicename LIKE 'SQL Server (%'")
  )[0];
  const result = await lab.cli('service-account', 'SQLPRI01', 'LAB\\sqlsvc');
  assert.is(result.code, 0, result.stderr);
  assert.match(result.stdout, 'LAB\\sqlsvc');
  // The pool reconnects on its own after a drop: a new spid (or an error) shows the old connection is gone.
  const spidAfter = await session.run('SELECT @@SPID AS spid').then(
    (rows) => rows[0]?.spid,
    () => 'dropped',
  );
  assert.is.not(spidAfter, before?.spid, 'the connection survived a service restart');
  await session.close().catch(() => {});
  const fresh = await connect(lab, 'SQLPRI01');
  const after = (await fresh.run("SELECT service_account, last_startup_time FROM sys.dm_server_services WHERE servicename LIKE 'SQL Server (%'"))[0];
  await fresh.close();
  assert.is(after?.service_account, 'LAB\\sqlsvc');
  assert.is.not(String(after?.last_startup_time), String(before?.last_startup_time));
});

test.after(async () => {
  await lab?.stop();
});
test.run();
