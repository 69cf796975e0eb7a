// The seed's certificate-based setup as T-SQL through the SqlHandler (security objects from
// lab/instance), then the mirroring statements, parsed by lab/sql and run by lab/mirroring.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabState } from '../../lab/model.js';
import { advanceLab } from '../../lab/mirroring/advance.js';
import { executeMirroringOption } from '../../lab/mirroring/statements.js';
import { backupDirectory } from '../../lab/instance/database.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { createSite } from '../../lab/site.js';
import { parseBatch } from '../../lab/sql/parse.js';
import { failure, testEnv } from './storage-fixture.js';

const PASSWORD = 'Str0ng!Passw0rd#1';
const T0 = new Date('2026-03-01T10:00:00.000Z');

async function session(lab: LabState, name: string, clock: { now: Date }): Promise<InProcessSession> {
  const s = await inProcessInstance(lab, name, { now: () => clock.now }).login('mirrorbook', PASSWORD, 'master');
  if (!('query' in s)) throw new Error(`login failed: ${s.message}`);
  return s;
}

async function run(s: InProcessSession, sql: string): Promise<void> {
  const result = await s.query(sql);
  assert.equal(
    result.errors.map((e) => `${e.number}: ${e.message}`),
    [],
    sql,
  );
}

/** Outbound config on `me`, then the peer's certificate file, login, user and CONNECT. */
async function configure(sessions: Record<string, InProcessSession>, me: string, peer: string, role: string) {
  const s = sessions[me]!;
  await run(s, `USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = '${PASSWORD}';`);
  await run(s, `CREATE CERTIFICATE ${role}_cert WITH SUBJECT = '${role} certificate', START_DATE = '20250101', EXPIRY_DATE = '20450101';`);
  await run(
    s,
    `CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1430, LISTENER_IP = ALL)
     FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE ${role}_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL);`,
  );
  await run(s, `BACKUP CERTIFICATE ${role}_cert TO FILE = '\\\\${peer}\\Backup\\${role}_cert.cer';`);
}

async function trust(lab: LabState, sessions: Record<string, InProcessSession>, me: string, peerRole: string) {
  const dir = backupDirectory(lab.instances[me]!);
  await run(
    sessions[me]!,
    `USE master;
    CREATE LOGIN ${peerRole}_login WITH PASSWORD = '${PASSWORD}';
    CREATE USER ${peerRole}_user FOR LOGIN ${peerRole}_login;
    CREATE CERTIFICATE ${peerRole}_cert AUTHORIZATION ${peerRole}_user FROM FILE = '${dir}\\${peerRole}_cert.cer';
    GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [${peerRole}_login];`,
  );
}

async function alter(lab: LabState, instance: string, clock: { now: Date }, sql: string) {
  const [statement] = parseBatch(sql);
  if (statement?.kind !== 'alterDatabase') throw new Error(`not ALTER DATABASE: ${sql}`);
  const env = testEnv(lab, instance);
  env.now = () => clock.now;
  await executeMirroringOption(env, statement);
}

test('certificates, endpoints, logins by T-SQL; backup/restore; SET PARTNER mirror then principal; SYNCHRONIZED', async () => {
  const clock = { now: T0 };
  const lab = createSite({ adminPassword: PASSWORD, sizesMB: { Patriot: 64 }, now: T0 });
  const sessions = { SQLPRI01: await session(lab, 'SQLPRI01', clock), SQLMIR01: await session(lab, 'SQLMIR01', clock) };
  await configure(sessions, 'SQLPRI01', 'SQLMIR01', 'PRINCIPAL');
  await configure(sessions, 'SQLMIR01', 'SQLPRI01', 'MIRROR');
  await trust(lab, sessions, 'SQLMIR01', 'PRINCIPAL');

  const dir = backupDirectory(lab.instances.SQLMIR01!);
  await run(sessions.SQLPRI01, "BACKUP DATABASE Patriot TO DISK = '\\\\SQLMIR01\\Backup\\Patriot.dat' WITH INIT");
  await run(sessions.SQLPRI01, "BACKUP LOG Patriot TO DISK = '\\\\SQLMIR01\\Backup\\Patriot_log.dat' WITH INIT");
  await run(sessions.SQLMIR01, `RESTORE DATABASE Patriot FROM DISK = '${dir}\\Patriot.dat' WITH NORECOVERY`);
  await run(sessions.SQLMIR01, `RESTORE LOG Patriot FROM DISK = '${dir}\\Patriot_log.dat' WITH NORECOVERY`);

  await alter(lab, 'SQLMIR01', clock, "ALTER DATABASE Patriot SET PARTNER = 'TCP://SQLPRI01.lab.local:1430'");
  // The principal has not imported the mirror's certificate yet: the mirror's connection back fails.
  const refused = await failure(() => alter(lab, 'SQLPRI01', clock, "ALTER DATABASE Patriot SET PARTNER = 'TCP://sqlmir01.lab.local:1430'"));
  assert.is(refused.number, 1418);
  assert.ok(
    lab.instances.SQLPRI01!.errorLog.some((l) => l.number === 28035),
    'the principal logs the unknown peer certificate',
  );

  await trust(lab, sessions, 'SQLPRI01', 'MIRROR');
  await alter(lab, 'SQLPRI01', clock, "ALTER DATABASE Patriot SET PARTNER = 'TCP://sqlmir01.lab.local:1430'");
  for (let i = 1; i <= 10; i++) advanceLab(lab, new Date(T0.getTime() + i * 1000));
  const state = await sessions.SQLPRI01.query(
    "SELECT mirroring_state_desc, mirroring_role_desc FROM sys.database_mirroring WHERE database_id = DB_ID('Patriot')",
  );
  assert.equal(state.resultSets[0]!.rows, [['SYNCHRONIZED', 'PRINCIPAL']]);
  for (const s of Object.values(sessions)) s.close();
});

test.run();
