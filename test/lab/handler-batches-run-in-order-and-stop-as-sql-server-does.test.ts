import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { ResponseItem } from '../../lab/tds/handler.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function session(): Promise<{ s: InProcessSession; instance: InProcessInstance; lab: ReturnType<typeof createSite> }> {
  const lab = createSite({ adminPassword: PASSWORD });
  const instance = inProcessInstance(lab, 'SQLPRI01');
  const s = await signIn(instance, 'mirrorbook', PASSWORD);
  return { s, instance, lab };
}

test('a syntax error fails the whole batch before any statement runs', async () => {
  const { s, lab } = await session();
  const r = await s.query(`CREATE LOGIN early WITH PASSWORD = 'Early!pass1'\nSELEKT 1`);
  assert.equal(errorNumbers(r), [102]);
  assert.is(r.errors[0]?.line, 2);
  assert.is(lab.instances['SQLPRI01']!.logins['early'], undefined);
});

test('a statement error is reported with its line and the batch goes on; each statement ends with a DONE', async () => {
  const { s, lab } = await session();
  const r = await s.query(
    `CREATE LOGIN a WITH PASSWORD = 'Aa!pass2025'\nCREATE LOGIN a WITH PASSWORD = 'Aa!pass2025'\nCREATE LOGIN b WITH PASSWORD = 'Bb!pass2025'`,
  );
  assert.equal(errorNumbers(r), [15025]);
  assert.is(r.errors[0]?.line, 2);
  assert.ok(lab.instances['SQLPRI01']!.logins['b']);
  const dones = r.items.filter((i): i is Extract<ResponseItem, { kind: 'done' }> => i.kind === 'done');
  assert.equal(
    dones.map((d) => Boolean(d.error)),
    [false, true, false],
  );
});

test('USE of a missing database (911) aborts the batch; restoring 927 and mirror 954 databases cannot be used', async () => {
  const { s, lab } = await session();
  const r = await s.query(`USE NoSuchDb; CREATE LOGIN never WITH PASSWORD = 'Nv!pass2025'`);
  assert.equal(errorNumbers(r), [911]);
  assert.is(lab.instances['SQLPRI01']!.logins['never'], undefined);
  assert.is(s.session.database, 'master');
  lab.instances['SQLPRI01']!.databases['PatriotArchive']!.state = 'RESTORING';
  const restoring = await s.query(`USE PatriotArchive`);
  assert.equal([restoring.errors[0]?.number, restoring.errors[0]?.class], [927, 14]);
  lab.instances['SQLPRI01']!.databases['PatriotArchive']!.mirroring = {
    guid: 'G',
    role: 'MIRROR',
    roleSequence: 1,
    state: 'SYNCHRONIZED',
    safety: 'FULL',
    safetySequence: 1,
    partnerName: 'TCP://SQLMIR01:1430',
    partnerInstance: 'SQLMIR01',
    witnessName: null,
    witnessState: null,
    failoverLsn: 1,
    timeoutSeconds: 10,
    sendQueueKB: 0,
    redoQueueKB: 0,
    established: true,
  };
  assert.equal(errorNumbers(await s.query(`USE PatriotArchive`)), [954]);
  const used = await s.query(`USE Patriot; SELECT DB_NAME()`);
  assert.equal(used.resultSets[0]?.rows, [['Patriot']]);
  assert.ok(used.items.some((i) => i.kind === 'database' && i.from === 'master' && i.to === 'Patriot'));
});

test('ALTER DATABASE in a user transaction is 226; BACKUP is 3021 then 3013; @@TRANCOUNT follows BEGIN/COMMIT', async () => {
  const { s } = await session();
  const r = await s.query(
    `BEGIN TRAN; ALTER DATABASE Patriot SET RECOVERY FULL; BACKUP DATABASE Patriot TO DISK = 'C:\\Temp\\p.dat'; SELECT @@TRANCOUNT; COMMIT; SELECT @@TRANCOUNT`,
  );
  assert.equal(errorNumbers(r), [226, 3021, 3013]);
  assert.equal(
    r.resultSets.map((rs) => rs.rows),
    [[[1]], [[0]]],
  );
  assert.equal(errorNumbers(await s.query(`COMMIT`)), [3902]);
});

test('DECLARE / SET / SELECT @v, IF and PRINT; sp_executesql with typed parameters', async () => {
  const { s } = await session();
  const r = await s.query(`DECLARE @db sysname = N'Patriot', @n int;
    SELECT @n = database_id FROM sys.databases WHERE name = @db;
    IF @n > 4 PRINT 'user database' ELSE PRINT 'system database';
    SET @n = @n + 100;
    SELECT @n AS n;
    EXEC sp_executesql N'SELECT name FROM sys.databases WHERE database_id = @id', N'@id int', @id = 5`);
  assert.equal(errorNumbers(r), []);
  assert.ok(r.messages.some((m) => m.class === 0 && m.message === 'user database'));
  assert.equal(
    r.resultSets.map((rs) => rs.rows),
    [[[105]], [['Patriot']]],
  );
  const undeclared = await s.query(`SELECT @nope; CREATE LOGIN after_error WITH PASSWORD = 'Ae!pass2025'`);
  assert.equal(errorNumbers(undeclared), [137]);
});

test('RPC parameters are variables; an unknown procedure is 2812; the batch log records every batch with its errors', async () => {
  const { s, instance } = await session();
  const r = await s.query(`SELECT name FROM sys.server_principals WHERE name = @login`, new Map([['@login', 'mirrorbook']]));
  assert.equal(r.resultSets[0]?.rows, [['mirrorbook']]);
  assert.equal(errorNumbers(await s.query(`EXEC dbo.sp_no_such_thing`)), [2812]);
  const last = instance.batches.at(-1)!;
  assert.equal([last.spid, last.login, last.sql, last.errors], [s.session.spid, 'mirrorbook', 'EXEC dbo.sp_no_such_thing', [2812]]);
  assert.is(instance.batches.at(-2)?.rpc, true);
});

test('ATTENTION stops the running statement and the rest of the batch', async () => {
  const { instance, lab } = await session();
  const s = await signIn(instance, 'mirrorbook', PASSWORD);
  const controller = new AbortController();
  const items: ResponseItem[] = [];
  const running = instance.handler.execute(
    {
      session: s.session,
      sql: `WAITFOR DELAY '00:10:00'; CREATE LOGIN late WITH PASSWORD = 'La!pass2025'`,
      params: new Map(),
      rpc: false,
      signal: controller.signal,
    },
    (item) => items.push(item),
  );
  controller.abort();
  await running;
  assert.is(lab.instances['SQLPRI01']!.logins['late'], undefined);
  assert.equal(
    items.filter((i) => i.kind === 'message'),
    [],
  );
});

test('the simulation is brought up to the clock before each batch', async () => {
  const lab = createSite({ adminPassword: PASSWORD });
  const seen: Date[] = [];
  const clock = new Date('2025-06-01T00:00:00Z');
  const instance = inProcessInstance(lab, 'SQLPRI01', { now: () => clock, advance: (_lab, now) => seen.push(now) });
  const s = await signIn(instance, 'mirrorbook', PASSWORD);
  const before = seen.length;
  await s.query(`SELECT 1`);
  assert.is(seen.length, before + 1);
  assert.equal(seen.at(-1), clock);
});

test('a session whose database became a mirror copy is killed: 596 at severity 21, nothing runs', async () => {
  const { s, lab } = await session();
  await s.query(`USE Patriot`);
  lab.instances['SQLPRI01']!.databases['Patriot']!.state = 'RESTORING';
  const r = await s.query(`CREATE LOGIN ghost WITH PASSWORD = 'Gh!ost2025'`);
  assert.equal(
    r.errors.map((e) => [e.number, e.class]),
    [[596, 21]],
  );
  assert.is(lab.instances['SQLPRI01']!.logins['ghost'], undefined);
});

test('WHILE repeats its statement until the condition is false; a condition false at once runs nothing', async () => {
  const { s } = await session();
  const r = await s.query(
    `DECLARE @n int = 0\nWHILE @n < 3 BEGIN SET @n = @n + 1; PRINT CONCAT('pass ', @n) END\nWHILE EXISTS (SELECT 1 FROM sys.databases WHERE name = 'NoSuchDb') PRINT 'never'\nSELECT @n AS n`,
  );
  assert.equal(errorNumbers(r), []);
  assert.equal(
    r.messages.map((m) => m.message),
    ['pass 1', 'pass 2', 'pass 3'],
  );
  assert.equal(r.resultSets[0]?.rows, [[3]]);
  assert.equal(errorNumbers(await s.query('WHILE 1 = 1 BREAK')), [102]);
});

test.run();
