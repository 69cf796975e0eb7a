// The lab writes its state as it changes (not only at stop): after kill -9 of the lab process the
// next start finds what was done, takes over the stale lock and control file, and serves again.
// Also proves the in-process mode of test/helpers/lab.ts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import sql from 'mssql';
import { startTestLab, waitFor, type TestLab } from '../helpers/lab.js';
import { processAlive } from '../../lab/control/control-file.js';
import { connect } from '../fixtures/lab/pair.js';

const LOGIN_PASSWORD = 'Rehearsal#Login2026';
const stateHas = (lab: TestLab, text: string): boolean => readFileSync(join(lab.dir, 'state.json'), 'utf8').includes(text);

test('a change reaches state.json while the lab runs; kill -9 loses nothing that was written', async () => {
  const lab = await startTestLab();
  try {
    const session = await connect(lab, 'SQLPRI01');
    await session.run(`CREATE LOGIN rehearsal_login WITH PASSWORD = '${LOGIN_PASSWORD}'`);
    await session.close();
    await waitFor('the login to be persisted', () => stateHas(lab, 'rehearsal_login'));
    const { pid } = await lab.status();
    process.kill(pid, 'SIGKILL');
    await waitFor('the lab process to die', () => !processAlive(pid));
    assert.ok(existsSync(join(lab.dir, 'lab.lock')), 'a killed lab leaves its lock');
    const restarted = await lab.cli('start');
    assert.is(restarted.code, 0, restarted.stderr);
    assert.match(restarted.stdout, 'lab started');
    const config = lab.mssqlConfig('SQLPRI01', 'trust', { user: 'rehearsal_login', password: LOGIN_PASSWORD });
    const pool = await new sql.ConnectionPool(config).connect();
    assert.is((await pool.request().query('SELECT SUSER_NAME() AS who')).recordset[0]?.who, 'rehearsal_login');
    await pool.close();
  } finally {
    await lab.stop();
  }
});

test('in-process lab: same behaviour, and a second lab on the same directory is refused', async () => {
  const lab = await startTestLab({ inProcess: true });
  try {
    const session = await connect(lab, 'SQLMIR01');
    assert.is((await session.run('SELECT @@SERVERNAME AS name'))[0]?.name, 'SQLMIR01');
    await session.close();
    const second = await startTestLab({ inProcess: true, dir: lab.dir }).then(
      () => null,
      (e: unknown) => e as Error,
    );
    assert.ok(second, 'two labs served one directory');
    assert.match(second.message, `a lab is already running in ${lab.dir}`);
  } finally {
    await lab.stop({ keepDir: true });
  }
  assert.not.ok(existsSync(join(lab.dir, 'lab.lock')), 'a stopped lab leaves its lock');
  assert.ok(stateHas(lab, 'SQLMIR01'));
  rmSync(lab.dir, { recursive: true, force: true });
});

test.run();
