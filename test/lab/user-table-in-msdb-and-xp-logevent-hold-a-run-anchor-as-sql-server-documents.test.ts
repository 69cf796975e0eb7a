// What mirrorbook's run anchor sends (steps/run-anchor.ts), run against the lab as SQL Server
// documents it: the table created in msdb on first use, rows inserted and read back with plain
// T-SQL, the line in the error log; a table an earlier build created (no store_id) gets the column
// added and keeps its rows; and the errors of CREATE TABLE, ALTER TABLE ADD, DROP TABLE and INSERT a
// DBA would meet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance } from '../../lab/server/in-process.js';
import { anchorStatement, anchorsFrom, readAnchorsStatement, writeAnchor, ANCHOR_EVENT } from '../../steps/run-anchor.js';
import { SqlStatementError } from '../../steps/connection.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function session() {
  const lab = createSite({ adminPassword: PASSWORD });
  const s = await signIn(inProcessInstance(lab, 'SQLPRI01'), 'mirrorbook', PASSWORD);
  return { s, lab };
}

const anchor = {
  runId: '20261203-230000-ab12',
  procedure: 'failover',
  operator: "o'brien",
  startedAt: '2026-12-03T23:00:00.123Z',
  endedAt: '2026-12-03T23:01:02.456Z',
  outcome: 'done',
  headSeq: 4242,
  headHash: 'a'.repeat(64),
  storeHost: 'ops01',
  storeId: '0123456789abcdef0123456789abcdef',
};

type Session = Awaited<ReturnType<typeof session>>['s'];
const rowsOf = (read: Awaited<ReturnType<Session['query']>>) =>
  read.resultSets[0]!.rows.map((row) => Object.fromEntries(read.resultSets[0]!.columns.map((c, i) => [c.name, row[i]])));

test('the anchor batch creates the table once, inserts a row each time and logs a line', async () => {
  const { s, lab } = await session();
  const first = await s.query(anchorStatement(anchor).reveal());
  assert.equal(errorNumbers(first), []);
  const second = await s.query(anchorStatement({ ...anchor, runId: '20261203-231000-cd34', endedAt: null, outcome: 'interrupted', headSeq: 4300 }).reveal());
  assert.equal(errorNumbers(second), [], 'the table is not created twice');
  const read = await s.query(readAnchorsStatement.reveal());
  const rows = read.resultSets[0]!.rows.map((row) => Object.fromEntries(read.resultSets[0]!.columns.map((c, i) => [c.name, row[i]])));
  const anchors = anchorsFrom('SQLPRI01', rows);
  assert.equal(
    anchors.map((a) => [a.runId, a.operator, a.outcome, a.headSeq, a.headHash, a.startedAt, a.endedAt]),
    [
      [anchor.runId, "o'brien", 'done', 4242, 'a'.repeat(64), '2026-12-03T23:00:00.123Z', '2026-12-03T23:01:02.456Z'],
      ['20261203-231000-cd34', "o'brien", 'interrupted', 4300, 'a'.repeat(64), '2026-12-03T23:00:00.123Z', null],
    ],
  );
  const listed = await s.query(`SELECT name FROM msdb.sys.tables WHERE name = N'mirrorbook_run_anchors'`);
  assert.equal(listed.resultSets[0]!.rows, [['mirrorbook_run_anchors']]);
  const log = lab.instances['SQLPRI01']!.errorLog.filter((l) => l.number === ANCHOR_EVENT);
  assert.is(log.length, 2);
  assert.match(log[0]!.text, `mirrorbook run ${anchor.runId} (failover) by o'brien: done; audit head seq 4242`);
  const read2 = await s.query(`EXEC xp_readerrorlog`);
  assert.ok(read2.resultSets[0]!.rows.some((r) => String(r[2]).includes(`Error: ${ANCHOR_EVENT}. mirrorbook run ${anchor.runId}`)));
});

test('a table an earlier build created, without store_id: the column is added, old rows read as no store, the anchor is written', async () => {
  const { s, lab } = await session();
  const legacy = anchorStatement(anchor)
    .reveal()
    .replace(', store_id varchar(64) NULL', '')
    .replace(', store_id)', ')')
    .replace(/, N'0123456789abcdef0123456789abcdef'\);/, ');');
  assert.equal(errorNumbers(await s.query(legacy)), [], legacy);
  const sent: string[] = [];
  await writeAnchor(
    async (statement) => {
      sent.push(statement.reveal().split('\n')[0]!);
      const result = await s.query(statement.reveal());
      const error = result.errors[0];
      if (error) throw new SqlStatementError({ number: error.number, message: error.message });
      return result;
    },
    { ...anchor, runId: '20261203-232000-ef56' },
  );
  assert.equal(sent.length, 3, 'the batch, ALTER TABLE … ADD store_id, the batch again');
  assert.match(sent[1]!, 'ALTER TABLE msdb.dbo.mirrorbook_run_anchors ADD store_id varchar(64) NULL');
  const anchors = anchorsFrom('SQLPRI01', rowsOf(await s.query(readAnchorsStatement.reveal())));
  assert.equal(
    anchors.map((a) => [a.runId, a.storeId]),
    [
      [anchor.runId, null],
      ['20261203-232000-ef56', anchor.storeId],
    ],
  );
  assert.is(
    lab.instances['SQLPRI01']!.errorLog.filter((l) => l.number === ANCHOR_EVENT && l.text.includes('20261203-232000-ef56')).length,
    1,
    'one error-log line for the anchor written',
  );
});

test('ALTER TABLE ADD and DROP TABLE fail as SQL Server does: 2705, 4901, 3701, 208', async () => {
  const { s } = await session();
  assert.equal(errorNumbers(await s.query(`CREATE TABLE msdb.dbo.t (a int NOT NULL); INSERT msdb.dbo.t (a) VALUES (1)`)), []);
  assert.equal(errorNumbers(await s.query(`ALTER TABLE msdb.dbo.t ADD a int NULL`)), [2705]);
  assert.equal(errorNumbers(await s.query(`ALTER TABLE msdb.dbo.t ADD b int NOT NULL`)), [4901]);
  assert.equal(errorNumbers(await s.query(`ALTER TABLE msdb.dbo.nope ADD b int NULL`)), [208]);
  const added = await s.query(
    `ALTER TABLE msdb.dbo.t ADD b nvarchar(10) NULL, c int NULL; INSERT msdb.dbo.t (a, b) VALUES (2, N'two'); SELECT a, b, c FROM msdb.dbo.t`,
  );
  assert.equal(errorNumbers(added), []);
  assert.equal(added.resultSets[0]!.rows, [
    [1, null, null],
    [2, 'two', null],
  ]);
  assert.equal(errorNumbers(await s.query(`DROP TABLE msdb.dbo.t`)), []);
  assert.equal(errorNumbers(await s.query(`SELECT a FROM msdb.dbo.t`)), [208]);
  assert.equal(errorNumbers(await s.query(`DROP TABLE msdb.dbo.t`)), [3701]);
  assert.equal((await s.query(`SELECT name FROM msdb.sys.tables WHERE name = N't'`)).resultSets[0]!.rows, []);
});

test('CREATE TABLE and INSERT fail as SQL Server does: 2714, 208, 207, 109, 110, 515, 243', async () => {
  const { s } = await session();
  assert.equal(errorNumbers(await s.query(`CREATE TABLE msdb.dbo.t (a int NOT NULL, b nvarchar(10) NULL)`)), []);
  assert.equal(errorNumbers(await s.query(`CREATE TABLE msdb.dbo.t (a int)`)), [2714]);
  assert.equal(errorNumbers(await s.query(`INSERT INTO msdb.dbo.nope (a) VALUES (1)`)), [208]);
  assert.equal(errorNumbers(await s.query(`INSERT INTO msdb.dbo.t (c) VALUES (1)`)), [207]);
  assert.equal(errorNumbers(await s.query(`INSERT INTO msdb.dbo.t (a, b) VALUES (1)`)), [109]);
  assert.equal(errorNumbers(await s.query(`INSERT INTO msdb.dbo.t (a) VALUES (1, N'x')`)), [110]);
  assert.equal(errorNumbers(await s.query(`INSERT INTO msdb.dbo.t (b) VALUES (N'x')`)), [515]);
  assert.equal(errorNumbers(await s.query(`CREATE TABLE msdb.dbo.u (a notatype)`)), [243]);
  const ok = await s.query(`INSERT msdb.dbo.t (a, b) VALUES (1, N'one'), (2, NULL); SELECT a, b FROM msdb.dbo.t`);
  assert.equal(errorNumbers(ok), []);
  assert.equal(ok.resultSets[0]!.rows, [
    [1, 'one'],
    [2, null],
  ]);
});

test.run();
