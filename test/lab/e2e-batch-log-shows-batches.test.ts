// Issue point 7: `lab log` shows the batches each instance received, with who sent them and the
// error numbers they produced; --follow streams new ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { cliCommand, REPO_ROOT, startTestLab, waitFor, type TestLab } from '../helpers/lab.js';
import { connect } from '../fixtures/lab/pair.js';

let lab: TestLab;

interface LogLine {
  ts: string;
  sql: string;
  spid: number;
  login: string;
  app: string;
  database: string;
  errors: number[];
}
const parse = (text: string): LogLine[] =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogLine);

test.before(async () => {
  lab = await startTestLab();
});

test('every batch is logged with ts, sql, spid, login, app, database and error numbers', async () => {
  const session = await connect(lab, 'SQLPRI01');
  await session.run("SELECT 'marker-one' AS m");
  await session.errorsOf('USE NoSuchDatabase');
  await session.close();
  const result = await lab.cli('log', 'sqlpri01');
  assert.is(result.code, 0, result.stderr);
  const lines = parse(result.stdout);
  const marker = lines.find((l) => l.sql.includes('marker-one'));
  assert.ok(marker, 'the batch is not in the log');
  assert.ok(!Number.isNaN(Date.parse(marker.ts)));
  assert.is(marker.login, 'mirrorbook');
  assert.is(marker.database, 'master');
  assert.ok(marker.spid > 0);
  assert.type(marker.app, 'string');
  assert.equal(marker.errors, []);
  const failed = lines.find((l) => l.sql.includes('NoSuchDatabase'));
  assert.equal(failed?.errors, [911]);
  const mirror = parse((await lab.cli('log', 'SQLMIR01')).stdout);
  assert.not.ok(
    mirror.some((l) => l.sql.includes('marker-one')),
    'a batch shows in the wrong instance log',
  );
});

test('a batch that carries a password is logged as SQL Server traces it: the whole text replaced by a comment', async () => {
  const session = await connect(lab, 'SQLPRI01');
  await session.run("CREATE LOGIN redacted_one WITH PASSWORD = 'Secret!Word-2025'");
  await session.close();
  const result = await lab.cli('log', 'SQLPRI01');
  assert.not.ok(result.stdout.includes('Secret!Word-2025'), 'the password is in the batch log');
  assert.ok(
    parse(result.stdout).some(
      (l) => l.sql === "-- 'password' was found in the text of this event.\n-- The text has been replaced with this comment for security reasons.",
    ),
  );
});

test('lab log --follow prints batches as they arrive', async () => {
  const before = await connect(lab, 'SQLMIR01');
  await before.run("SELECT 'marker-before' AS m");
  await before.close();
  const child = spawn(process.execPath, [...cliCommand(), 'lab', 'log', 'SQLMIR01', '--follow', '--dir', lab.dir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor('the log so far', () => out.includes('marker-before'));
    const session = await connect(lab, 'SQLMIR01');
    await session.run("SELECT 'marker-two' AS m");
    await session.close();
    await waitFor('the followed log to show the batch', () => out.includes('marker-two'));
  } finally {
    child.kill('SIGTERM');
  }
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.is(code, 0);
});

test.after(async () => {
  await lab?.stop();
});
test.run();
