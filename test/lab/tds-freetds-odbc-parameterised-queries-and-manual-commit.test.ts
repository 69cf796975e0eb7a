// FreeTDS ODBC through pyodbc — a client nobody here wrote — in manual-commit mode: parameterised
// queries (NVARCHAR, INT, and a string long enough to go as NTEXT) and commit/rollback through
// transaction-manager requests that begin the next transaction at once; TRY…CATCH in a parameterised
// query; under TDS 7.1 too.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { openOdbc, type OdbcConnection } from '../helpers/odbc.js';

let lab: TestLab;
const connections: OdbcConnection[] = [];
async function open(tdsVersion: string): Promise<OdbcConnection> {
  const i = lab.instance('SQLPRI01');
  const c = await openOdbc(i.port, i.login, lab.password('SQLPRI01'), tdsVersion);
  connections.push(c);
  assert.equal(c.connected, { connected: true });
  return c;
}
const loginExists = async (c: OdbcConnection, name: string) =>
  ((await c.run('query', 'SELECT name FROM sys.server_principals WHERE name = ?', name)).rows ?? []).length === 1;

test.before(async () => {
  lab = await startTestLab({ inProcess: true });
});
test.after(async () => {
  await Promise.all(connections.map((c) => c.close()));
  await lab?.stop();
});

for (const tdsVersion of ['7.4', '7.1']) {
  test(`TDS ${tdsVersion}: NVARCHAR, INT and long-string parameters bind and come back`, async () => {
    const c = await open(tdsVersion);
    assert.equal(await c.run('query', 'SELECT name FROM sys.databases WHERE name = ? OR database_id = ? ORDER BY database_id', 'Patriot', 1), {
      rows: [['master'], ['Patriot']],
    });
    const long = 'é'.repeat(6000);
    assert.equal(await c.run('query', 'SELECT LEN(?) AS n, ? AS s', long, 'short'), { rows: [[6000, 'short']] });
  });

  test(`TDS ${tdsVersion}: manual commit — rollback undoes CREATE LOGIN, commit keeps it, a rollback right after a commit is no error`, async () => {
    const c = await open(tdsVersion);
    const name = `odbc_${tdsVersion.replace('.', '')}`;
    assert.equal(await c.run('query', `CREATE LOGIN ${name}_undone WITH PASSWORD = 'Odbc!pass2025'`), { rows: [] });
    assert.equal(await c.run('rollback'), { ok: true });
    assert.not.ok(await loginExists(c, `${name}_undone`));
    assert.equal(await c.run('query', `CREATE LOGIN ${name}_kept WITH PASSWORD = 'Odbc!pass2025'`), { rows: [] });
    assert.equal(await c.run('commit'), { ok: true });
    assert.equal(await c.run('rollback'), { ok: true }, 'the commit began the next transaction');
    assert.ok(await loginExists(c, `${name}_kept`));
  });

  test(`TDS ${tdsVersion}: a parameterised TRY…CATCH answers from its CATCH block inside the open transaction (XACT_STATE 1)`, async () => {
    const c = await open(tdsVersion);
    const caught = await c.run(
      'query',
      `BEGIN TRY EXEC sp_addsrvrolemember ?, N'sysadmin' END TRY BEGIN CATCH SELECT ERROR_NUMBER() AS n, XACT_STATE() AS xs END CATCH`,
      'nobody',
    );
    assert.equal(caught, { rows: [[15151, 1]] });
    assert.equal(await c.run('rollback'), { ok: true });
  });
}

test.run();
