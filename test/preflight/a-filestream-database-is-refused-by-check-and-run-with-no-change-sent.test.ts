// Database mirroring cannot mirror a database with a FILESTREAM filegroup. On the lab the DBA
// enables FILESTREAM (sp_configure, RECONFIGURE) and creates such a database as SQL Server's pages
// show; `check setup` names it ✗ and `run setup` sends no change to either server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { setupRefusedWithNoChange, startPairLab, type PairLab } from '../runbooks/pair-lab.js';

let pair: PairLab;
let create: string;
test.before(async () => {
  pair = await startPairLab();
  const [paths] = await pair.sql(
    'SQLPRI01',
    "SELECT CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS nvarchar(260)) AS data, CAST(SERVERPROPERTY('InstanceDefaultLogPath') AS nvarchar(260)) AS log",
  );
  const data = String(paths!.data);
  create = `CREATE DATABASE PatriotDocs ON PRIMARY (NAME = PatriotDocs, FILENAME = '${data}PatriotDocs.mdf'), FILEGROUP DocsStream CONTAINS FILESTREAM (NAME = PatriotDocsStream, FILENAME = '${data}PatriotDocsStream') LOG ON (NAME = PatriotDocs_log, FILENAME = '${String(paths!.log)}PatriotDocs_log.ldf')`;
});
test.after(async () => {
  await pair?.stop();
});

test('FILESTREAM is disabled until sp_configure and RECONFIGURE enable it (5591, 15457)', async () => {
  const refused = await pair.sql('SQLPRI01', create).then(
    () => undefined,
    (e: { number: number; message: string }) => e,
  );
  assert.is(refused?.number, 5591);
  assert.is(refused?.message, 'FILESTREAM feature is disabled.');
  const mssql = (await import('mssql')).default;
  const pool = await new mssql.ConnectionPool(pair.lab.mssqlConfig('SQLPRI01')).connect();
  try {
    const messages: { number: number; message: string }[] = [];
    const request = pool.request();
    request.on('info', (m: { number: number; message: string }) => messages.push(m));
    await request.query("EXEC sp_configure 'filestream access level', 2");
    assert.equal(
      messages.map((m) => [m.number, m.message]),
      [[15457, "Configuration option 'filestream access level' changed from 0 to 2. Run the RECONFIGURE statement to install."]],
    );
    const before = await pool.request().query("EXEC sp_configure 'filestream access level'");
    assert.equal([before.recordset[0]?.config_value, before.recordset[0]?.run_value], [2, 0]);
    await pool.request().query('RECONFIGURE');
    const after = await pool.request().query("EXEC sp_configure 'filestream access level'");
    assert.equal([after.recordset[0]?.config_value, after.recordset[0]?.run_value], [2, 2]);
    const bad = await pool
      .request()
      .query("EXEC sp_configure 'filestream access level', 7")
      .then(
        () => undefined,
        (e: { number: number }) => e.number,
      );
    assert.is(bad, 15129);
  } finally {
    await pool.close();
  }
  await pair.sql('SQLPRI01', `${create}; ALTER DATABASE PatriotDocs SET RECOVERY FULL`);
  const files = await pair.sql('SQLPRI01', "SELECT type, type_desc, name FROM sys.master_files WHERE database_id = DB_ID('PatriotDocs') ORDER BY file_id");
  assert.equal(
    files.map((f) => [f.type, f.type_desc, f.name]),
    [
      [0, 'ROWS', 'PatriotDocs'],
      [2, 'FILESTREAM', 'PatriotDocsStream'],
      [1, 'LOG', 'PatriotDocs_log'],
    ],
  );
});

test('check setup: ✗ naming the FILESTREAM database; run setup is refused and sends no change', async () => {
  writeFileSync(pair.config, `${readFileSync(pair.config, 'utf8')}databases:\n  - Patriot\n  - PatriotDocs\n`);
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(
    check.stdout,
    /filestream\s+SQLPRI01\s+✗\s+FILESTREAM filegroup in PatriotDocs\s+— database mirroring cannot mirror a database with FILESTREAM data/,
    check.stdout,
  );
  const plan = JSON.parse((await pair.mb('plan', 'setup', '--json')).stdout) as { steps: { id: string; live: { state: string; checks?: string[] } }[] };
  assert.equal(plan.steps.find((s) => s.id === 'mirror.restore-full.PatriotDocs')?.live.checks, ['filestream (SQLPRI01)']);
  assert.is(plan.steps.find((s) => s.id === 'mirror.restore-full.Patriot')?.live.checks, undefined);
  await setupRefusedWithNoChange(pair);
});

test.run();
