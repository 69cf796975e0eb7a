import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function principal(): Promise<{ s: InProcessSession; lab: ReturnType<typeof createSite> }> {
  const lab = createSite({ adminPassword: PASSWORD });
  const s = await signIn(inProcessInstance(lab, 'SQLPRI01'), 'mirrorbook', PASSWORD);
  await s.query(`CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1430) FOR DATABASE_MIRRORING (ROLE = ALL)`);
  return { s, lab };
}

test('CREATE LOGIN: 15025 when it exists, password policy 15116/15118 unless CHECK_POLICY = OFF', async () => {
  const { s, lab } = await principal();
  assert.equal(errorNumbers(await s.query(`CREATE LOGIN MIRROR_login WITH PASSWORD = 'Ml!login2025'`)), []);
  assert.equal(errorNumbers(await s.query(`CREATE LOGIN mirror_LOGIN WITH PASSWORD = 'Ml!login2025'`)), [15025]);
  assert.equal(errorNumbers(await s.query(`CREATE LOGIN a WITH PASSWORD = 'Sh0rt!'`)), [15116]);
  assert.equal(errorNumbers(await s.query(`CREATE LOGIN a WITH PASSWORD = 'patriot12'`)), [15118]);
  assert.equal(errorNumbers(await s.query(`CREATE LOGIN a WITH PASSWORD = 'weak', CHECK_POLICY = OFF`)), []);
  const login = lab.instances['SQLPRI01']!.logins['MIRROR_login']!;
  assert.match(login.passwordHash ?? '', /^scrypt\$/);
  assert.not.ok(JSON.stringify(lab).includes('Ml!login2025'));
});

test('Windows logins: DOMAIN\\name FROM WINDOWS is a WINDOWS_LOGIN; a name without a domain is refused', async () => {
  const { s } = await principal();
  assert.equal(errorNumbers(await s.query(`CREATE LOGIN [CORP\\svc_sql] FROM WINDOWS`)), []);
  assert.equal(errorNumbers(await s.query(`CREATE LOGIN [svc_sql] FROM WINDOWS`)), [15401]);
  const r = await s.query(`SELECT type, type_desc FROM sys.server_principals WHERE name = 'CORP\\svc_sql'`);
  assert.equal(r.resultSets[0]?.rows, [['U', 'WINDOWS_LOGIN']]);
});

test('CREATE USER: 15007 without a login, 15023 when the user exists, 15063 when the login is already mapped', async () => {
  const { s } = await principal();
  await s.query(`CREATE LOGIN MIRROR_login WITH PASSWORD = 'Ml!login2025'`);
  assert.equal(errorNumbers(await s.query(`CREATE USER u FOR LOGIN nobody`)), [15007]);
  assert.equal(errorNumbers(await s.query(`CREATE USER MIRROR_user FOR LOGIN MIRROR_login`)), []);
  assert.equal(errorNumbers(await s.query(`CREATE USER MIRROR_user FOR LOGIN MIRROR_login`)), [15023]);
  assert.equal(errorNumbers(await s.query(`CREATE USER other FOR LOGIN MIRROR_login`)), [15063]);
  const r = await s.query(`SELECT dp.type, dp.type_desc, dp.authentication_type_desc FROM sys.database_principals dp
    JOIN sys.server_principals sp ON sp.sid = dp.sid WHERE dp.name = 'MIRROR_user' AND sp.name = 'MIRROR_login'`);
  assert.equal(r.resultSets[0]?.rows, [['S', 'SQL_USER', 'INSTANCE']]);
});

test('GRANT CONNECT ON ENDPOINT: only in master (4621), 15151 for an unknown endpoint or login; visible in sys.server_permissions', async () => {
  const { s } = await principal();
  await s.query(`CREATE LOGIN MIRROR_login WITH PASSWORD = 'Ml!login2025'`);
  assert.equal(errorNumbers(await s.query(`USE Patriot; GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [MIRROR_login]`)), [4621]);
  assert.equal(errorNumbers(await s.query(`USE master; GRANT CONNECT ON ENDPOINT::Nope TO [MIRROR_login]`)), [15151]);
  assert.equal(errorNumbers(await s.query(`GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [nobody]`)), [15151]);
  assert.equal(errorNumbers(await s.query(`GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [MIRROR_login]`)), []);
  const query = `SELECT e.name, sp.state_desc, sp.permission_name, SUSER_NAME(sp.grantee_principal_id) AS grantee, sp.type
    FROM sys.server_permissions sp JOIN sys.endpoints e ON sp.major_id = e.endpoint_id
    WHERE sp.class = 105 AND e.type_desc = 'DATABASE_MIRRORING'`;
  assert.equal((await s.query(query)).resultSets[0]?.rows, [['Endpoint_Mirroring', 'GRANT', 'CONNECT', 'MIRROR_login', 'CO  ']]);
  await s.query(`DENY CONNECT ON ENDPOINT::Endpoint_Mirroring TO [MIRROR_login]`);
  assert.equal((await s.query(query)).resultSets[0]?.rows[0]?.[1], 'DENY');
  await s.query(`REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM [MIRROR_login]`);
  assert.equal((await s.query(query)).resultSets[0]?.rows, []);
});

test('DROP LOGIN: 15175 while mapped to a user, 15141 while owning the endpoint, 15173 while grantor, 15151 when missing', async () => {
  const { s } = await principal();
  await s.query(`CREATE LOGIN MIRROR_login WITH PASSWORD = 'Ml!login2025'; CREATE USER MIRROR_user FOR LOGIN MIRROR_login`);
  assert.equal(errorNumbers(await s.query(`DROP LOGIN MIRROR_login`)), [15175]);
  await s.query(`DROP USER MIRROR_user`);
  assert.equal(errorNumbers(await s.query(`DROP LOGIN MIRROR_login`)), []);
  assert.equal(errorNumbers(await s.query(`DROP LOGIN MIRROR_login`)), [15151]);

  await s.query(`CREATE LOGIN owner_login WITH PASSWORD = 'Ow!login2025'; DROP ENDPOINT Endpoint_Mirroring;
    CREATE ENDPOINT Endpoint_Mirroring AUTHORIZATION owner_login AS TCP (LISTENER_PORT = 1430) FOR DATABASE_MIRRORING (ROLE = ALL)`);
  assert.equal(errorNumbers(await s.query(`DROP LOGIN owner_login`)), [15141]);

  const lab2 = await principal();
  await lab2.s.query(`CREATE LOGIN granter WITH PASSWORD = 'Gr!login2025'; ALTER SERVER ROLE sysadmin ADD MEMBER granter;
    CREATE LOGIN grantee WITH PASSWORD = 'Ge!login2025'`);
  const granter = await inProcessInstance(lab2.lab, 'SQLPRI01').login('granter', 'Gr!login2025');
  if (!('query' in granter)) throw new Error(granter.message);
  await granter.query(`GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO grantee`);
  assert.equal(errorNumbers(await lab2.s.query(`DROP LOGIN granter`)), [15173]);
});

test('server roles: ALTER SERVER ROLE and sp_addsrvrolemember show in sys.server_role_members; IS_SRVROLEMEMBER agrees', async () => {
  const { s } = await principal();
  await s.query(`CREATE LOGIN [CORP\\svc_sql] FROM WINDOWS; EXEC sp_addsrvrolemember 'CORP\\svc_sql', 'sysadmin'`);
  const r = await s.query(`SELECT r.name, m.name FROM sys.server_role_members rm
      JOIN sys.server_principals r ON r.principal_id = rm.role_principal_id
      JOIN sys.server_principals m ON m.principal_id = rm.member_principal_id
    WHERE m.name = 'CORP\\svc_sql';
    SELECT IS_SRVROLEMEMBER('sysadmin', 'CORP\\svc_sql'), IS_SRVROLEMEMBER('sysadmin')`);
  assert.equal(r.resultSets[0]?.rows, [['sysadmin', 'CORP\\svc_sql']]);
  assert.equal(r.resultSets[1]?.rows, [[1, 1]]);
  await s.query(`ALTER SERVER ROLE sysadmin DROP MEMBER [CORP\\svc_sql]`);
  assert.equal((await s.query(`SELECT IS_SRVROLEMEMBER('sysadmin', 'CORP\\svc_sql')`)).resultSets[0]?.rows, [[0]]);
});

test("a login that is not sysadmin (the peer's endpoint login) connects but may change nothing: 15247, 15151, 262, 5011", async () => {
  const { s, lab } = await principal();
  await s.query(`CREATE LOGIN MIRROR_login WITH PASSWORD = 'Ml!login2025'`);
  const peer = await inProcessInstance(lab, 'SQLPRI01').login('MIRROR_login', 'Ml!login2025');
  if (!('query' in peer)) throw new Error(peer.message);
  assert.equal(errorNumbers(await peer.query(`CREATE LOGIN sneaky WITH PASSWORD = 'Sn!eaky2025'`)), [15247]);
  assert.equal(errorNumbers(await peer.query(`GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO MIRROR_login`)), [15151]);
  assert.equal(errorNumbers(await peer.query(`BACKUP DATABASE Patriot TO DISK = 'C:\\Temp\\p.dat'`)), [262, 3013]);
  assert.equal(errorNumbers(await peer.query(`ALTER DATABASE Patriot SET RECOVERY SIMPLE`)), [5011, 5069]);
  assert.equal(lab.instances['SQLPRI01']!.databases['Patriot']!.recoveryModel, 'FULL');
});

test.run();
