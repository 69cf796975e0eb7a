// IIF and CONCAT (and the other 2012 built-ins) fail to compile on "2008R2" with Msg 195 and work
// from 2012; sp_executesql hands OUTPUT parameters back to the caller's variables ("IIF",
// "CONCAT": applies to SQL Server 2012 (11.x) and later; "sp_executesql": OUTPUT).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { SqlVersionName } from '../../lab/model.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
async function session(version: SqlVersionName): Promise<InProcessSession> {
  const s = await signIn(inProcessInstance(createSite({ adminPassword: PASSWORD, version }), 'SQLPRI01'), 'mirrorbook', PASSWORD);
  return s;
}

test('IIF and CONCAT on 2008 R2: Msg 195 on their line and nothing runs; on 2012 they answer', async () => {
  const old = await session('2008R2');
  for (const sql of ["SELECT 1 AS before\nSELECT IIF(1 = 1, 'a', 'b')", "SELECT 1 AS before\nSELECT CONCAT('a', 1)"]) {
    const r = await old.query(sql);
    assert.equal(
      r.errors.map((e) => [e.number, e.class, e.line]),
      [[195, 15, 2]],
      sql,
    );
    assert.equal(r.resultSets, [], 'a compile error fails the whole batch');
  }
  assert.equal((await old.query("SELECT 'IIF(' AS text_is_fine")).errors, []);
  const modern = await session('2012');
  assert.equal((await modern.query("SELECT IIF(1 = 1, 'a', 'b') AS x, CONCAT('a', 1) AS y")).resultSets[0]?.rows, [['a', 'a1']]);
});

test('sp_executesql OUTPUT parameters come back to the caller by name and by position', async () => {
  const s = await session('2019');
  const named = await s.query(`DECLARE @result int
EXEC sp_executesql N'SET @x = @a * 7', N'@a int, @x int OUTPUT', @a = 6, @x = @result OUTPUT
SELECT @result AS result`);
  assert.equal(named.errors, []);
  assert.equal(named.resultSets[0]?.rows, [[42]]);
  const positional = await s.query(`DECLARE @name sysname
EXEC sp_executesql N'SELECT @n = name FROM sys.databases WHERE database_id = @id', N'@id int, @n sysname OUTPUT', 4, @name OUTPUT
SELECT @name AS name`);
  assert.equal(positional.errors, []);
  assert.equal(positional.resultSets.at(-1)?.rows, [['msdb']]);
  const notOutput = await s.query(`DECLARE @kept int = 1
EXEC sp_executesql N'SET @x = 99', N'@x int OUTPUT', @x = @kept
SELECT @kept AS kept`);
  assert.equal(notOutput.resultSets[0]?.rows, [[1]], 'without OUTPUT at the call the caller keeps its value');
});

test.run();
