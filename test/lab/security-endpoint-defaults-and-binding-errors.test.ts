import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addInstance, createSite } from '../../lab/site.js';
import type { SqlVersionName } from '../../lab/model.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function principal(version?: SqlVersionName): Promise<{ s: InProcessSession; lab: ReturnType<typeof createSite> }> {
  const lab = createSite({ adminPassword: PASSWORD, ...(version ? { version } : {}) });
  const s = await signIn(inProcessInstance(lab, 'SQLPRI01'), 'mirrorbook', PASSWORD);
  return { s, lab };
}

const ENDPOINT_VIEW = `SELECT name, state_desc, role_desc, is_encryption_enabled, connection_auth_desc, certificate_id, encryption_algorithm, encryption_algorithm_desc
  FROM sys.database_mirroring_endpoints`;

test('defaults: STATE STOPPED, ENCRYPTION REQUIRED with AES (2016+), WINDOWS NEGOTIATE, ROLE ALL', async () => {
  const { s } = await principal();
  const r = await s.query(`CREATE ENDPOINT Endpoint_Mirroring AS TCP (LISTENER_PORT = 1430) FOR DATABASE_MIRRORING (ROLE = PARTNER); ${ENDPOINT_VIEW};
    SELECT port, is_dynamic_port, ip_address FROM sys.tcp_endpoints WHERE type_desc = 'DATABASE_MIRRORING'`);
  assert.equal(errorNumbers(r), []);
  assert.equal(r.resultSets[0]?.rows, [['Endpoint_Mirroring', 'STOPPED', 'PARTNER', true, 'NEGOTIATE', 0, 2, 'AES']]);
  assert.equal(r.resultSets[1]?.rows, [[1430, false, null]]);
});

test("SQL Server 2014 defaults to RC4; the seed's explicit RC4 and a SUPPORTED AES RC4 list map to their codes", async () => {
  const old = await principal('2014');
  await old.s.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED)`);
  assert.equal((await old.s.query(ENDPOINT_VIEW)).resultSets[0]?.rows[0]?.slice(6), [1, 'RC4']);
  const { s } = await principal();
  await s.query(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk!Strong2025'; CREATE CERTIFICATE PRINCIPAL_cert WITH SUBJECT = 'p', EXPIRY_DATE = '20450101';
    CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1430, LISTENER_IP = ALL)
    FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE PRINCIPAL_cert, ENCRYPTION = REQUIRED ALGORITHM RC4, ROLE = ALL)`);
  const seed = await s.query(`${ENDPOINT_VIEW}; SELECT CERT_ID('PRINCIPAL_cert')`);
  assert.equal(seed.resultSets[0]?.rows[0], ['Endpoint_Mirroring', 'STARTED', 'ALL', true, 'CERTIFICATE', seed.resultSets[1]?.rows[0]?.[0], 1, 'RC4']);
  await s.query(
    `ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (AUTHENTICATION = WINDOWS KERBEROS CERTIFICATE PRINCIPAL_cert, ENCRYPTION = SUPPORTED ALGORITHM AES RC4)`,
  );
  assert.equal((await s.query(ENDPOINT_VIEW)).resultSets[0]?.rows[0]?.slice(4), [
    'KERBEROS, CERTIFICATE',
    seed.resultSets[1]?.rows[0]?.[0],
    8,
    'NONE, AES, RC4',
  ]);
  await s.query(`ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (ENCRYPTION = DISABLED)`);
  assert.equal((await s.query(ENDPOINT_VIEW)).resultSets[0]?.rows[0]?.slice(3), [false, 'KERBEROS, CERTIFICATE', seed.resultSets[1]?.rows[0]?.[0], 0, 'NONE']);
});

test('only one DATABASE_MIRRORING endpoint: 7862', async () => {
  const { s } = await principal();
  await s.query(`CREATE ENDPOINT a AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL)`);
  assert.equal(errorNumbers(await s.query(`CREATE ENDPOINT b AS TCP (LISTENER_PORT = 5023) FOR DATABASE_MIRRORING (ROLE = ALL)`)), [7862]);
});

test('an unknown certificate is 15151; a port outside 1024-32767 is refused; the TSQL port is 7874', async () => {
  const { s } = await principal();
  const r = await s.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE nope)`);
  assert.equal(errorNumbers(r), [15151]);
  assert.match(r.errors[0]!.message, /Cannot find the certificate 'nope'/);
  assert.equal(errorNumbers(await s.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 80) FOR DATABASE_MIRRORING (ROLE = ALL)`)).length, 1);
  assert.equal(errorNumbers(await s.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 40000) FOR DATABASE_MIRRORING (ROLE = ALL)`)).length, 1);
  assert.equal(errorNumbers(await s.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 1433) FOR DATABASE_MIRRORING (ROLE = ALL)`)), [7874]);
  assert.equal((await s.query(ENDPOINT_VIEW)).resultSets[0]?.rows, []);
});

test('two instances on one host cannot listen on the same port: 7890', async () => {
  const { s, lab } = await principal();
  addInstance(lab, { adminPassword: PASSWORD, name: 'SQLPRI01\\ARCHIVE', host: 'SQLPRI01', now: new Date(), processId: 7000 });
  const named = await inProcessInstance(lab, 'SQLPRI01\\ARCHIVE').login('mirrorbook', PASSWORD);
  if (!('query' in named)) throw new Error(named.message);
  await s.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL)`);
  assert.equal(errorNumbers(await named.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL)`)), [7890]);
  assert.equal(errorNumbers(await named.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5023) FOR DATABASE_MIRRORING (ROLE = ALL)`)), []);
  const other = await inProcessInstance(lab, 'SQLMIR01').login('mirrorbook', PASSWORD);
  if (!('query' in other)) throw new Error(other.message);
  assert.equal(
    errorNumbers(await other.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL)`)),
    [],
    'another host may use the port',
  );
});

test('ALTER ENDPOINT starts it; ALTER/DROP of an unknown endpoint is 15151; endpoint DDL in a transaction is 226', async () => {
  const { s } = await principal();
  await s.query(`CREATE ENDPOINT e AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ROLE = ALL); ALTER ENDPOINT e STATE = STARTED`);
  assert.equal((await s.query(`SELECT state_desc FROM sys.endpoints WHERE name = 'e'`)).resultSets[0]?.rows, [['STARTED']]);
  assert.equal(errorNumbers(await s.query(`ALTER ENDPOINT nope STATE = STARTED`)), [15151]);
  assert.equal(errorNumbers(await s.query(`BEGIN TRAN; DROP ENDPOINT e; ROLLBACK`)), [226]);
  assert.equal(errorNumbers(await s.query(`DROP ENDPOINT e; DROP ENDPOINT e`)), [15151]);
});

test.run();
