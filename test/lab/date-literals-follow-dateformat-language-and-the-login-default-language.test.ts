// Date literals as SQL Server reads them ("SET DATEFORMAT", "SET LANGUAGE", "datetime"): '01/02/2025'
// is 2 January under mdy (us_english) and 1 February under dmy (british, or a login whose default
// language is british); 'YYYYMMDD' and ISO 8601 with a T read the same everywhere; a year-first
// datetime follows the order's day/month (ydm under dmy) while datetime2 reads it as ISO. The
// guide's MM/DD/YYYY certificate dates are the trap this rehearses.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { newLogin } from '../../lab/instance/principals.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import type { LabState } from '../../lab/model.js';
import { PRI, mirroringLab } from './mirroring-fixture.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';
const NOW = new Date('2026-03-01T10:00:00.000Z');

async function session(lab: LabState, name: string, language?: string): Promise<InProcessSession> {
  const instance = lab.instances[PRI]!;
  const login = newLogin(lab, { name, type: 'S', password: PASSWORD, now: NOW });
  if (language) login.defaultLanguage = language;
  instance.logins[login.name] = login;
  instance.serverRoleMembers['sysadmin'] = [...(instance.serverRoleMembers['sysadmin'] ?? []), login.name];
  const s = await signIn(inProcessInstance(lab, PRI, { now: () => NOW, advance: () => undefined }), name, PASSWORD);
  return s;
}

const day = async (s: InProcessSession, sql: string): Promise<string> => {
  const r = await s.query(sql);
  assert.equal(r.errors, [], sql);
  return (r.resultSets.at(-1)!.rows[0]![0] as Date).toISOString().slice(0, 10);
};

test("'01/02/2025' is 2 January under mdy, 1 February under SET DATEFORMAT dmy and SET LANGUAGE british; ISO forms never move", async () => {
  const lab = mirroringLab();
  const s = await session(lab, 'dba');
  assert.is(await day(s, "SELECT CAST('01/02/2025' AS datetime)"), '2025-01-02');
  assert.is(await day(s, "SET DATEFORMAT dmy; SELECT CAST('01/02/2025' AS datetime)"), '2025-02-01');
  assert.is(await day(s, "SELECT CAST('20250102' AS datetime)"), '2025-01-02');
  assert.is(await day(s, "SELECT CAST('2025-01-02T10:00:00' AS datetime)"), '2025-01-02');
  assert.is(await day(s, "SELECT CAST('2025-01-02' AS datetime)"), '2025-02-01');
  assert.is(await day(s, "SELECT CAST('2025-01-02' AS datetime2)"), '2025-01-02');
  assert.is(await day(s, "SET LANGUAGE us_english; DECLARE @d datetime = '01/02/2025'; SELECT @d"), '2025-01-02');
  assert.is(await day(s, "SET LANGUAGE british; DECLARE @d datetime = '01/02/2025'; SELECT @d"), '2025-02-01');
  assert.is((await s.query('SELECT @@LANGUAGE')).resultSets[0]?.rows[0]?.[0], 'british');
  assert.is(await day(s, "SET DATEFORMAT mdy; SELECT CAST('01/02/2025' AS datetime)"), '2025-01-02', 'SET DATEFORMAT overrides the language');
});

test("a login's default language decides its sessions' order; unknown languages and orders are 2740 / 2741 / 15033", async () => {
  const lab = mirroringLab();
  const british = await session(lab, 'uk_dba', 'british');
  assert.is(await day(british, "SELECT CAST('01/02/2025' AS datetime)"), '2025-02-01');
  const dba = await session(lab, 'dba');
  assert.equal(
    (await dba.query('SET LANGUAGE klingon')).errors.map((e) => e.number),
    [2740],
  );
  assert.equal(
    (await dba.query('SET DATEFORMAT xyz')).errors.map((e) => e.number),
    [2741],
  );
  assert.equal(
    (await dba.query("CREATE LOGIN Late WITH PASSWORD = 'Str0ng!Passw0rd', DEFAULT_LANGUAGE = klingon")).errors.map((e) => e.number),
    [15033],
  );
  assert.equal(
    (
      await dba.query(
        "CREATE LOGIN Brit WITH PASSWORD = 'Str0ng!Passw0rd', DEFAULT_LANGUAGE = british; SELECT default_language_name FROM sys.server_principals WHERE name = 'Brit'",
      )
    ).resultSets.at(-1)?.rows,
    [['british']],
  );
});

test('CREATE CERTIFICATE reads its dates in the session order: the guide-style 01/02 is February under british', async () => {
  const lab = mirroringLab();
  const s = await session(lab, 'dba', 'british');
  const r = await s.query(
    "USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'M@sterKey!2025x'; CREATE CERTIFICATE Trap WITH SUBJECT = 'trap', START_DATE = '01/02/2025', EXPIRY_DATE = '01/02/2035'; SELECT start_date FROM sys.certificates WHERE name = 'Trap'",
  );
  assert.equal(r.errors, []);
  assert.is((r.resultSets.at(-1)!.rows[0]![0] as Date).toISOString().slice(0, 10), '2025-02-01');
});

test.run();
