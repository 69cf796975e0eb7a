// The seed's certificate setup on two instances through the SqlHandler, then what a DBA and the
// runbooks read back: column names, SQL types and code/desc values of the catalog views.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabState } from '../../lab/model.js';
import { backupDirectory } from '../../lab/instance/database.js';
import { inProcessInstance, type BatchResult, type InProcessSession } from '../../lab/server/in-process.js';
import { createSite } from '../../lab/site.js';
import type { Column } from '../../lab/tds/handler.js';
import { signIn } from './in-process-session.js';

const PASSWORD = 'Str0ng!Passw0rd#1';
const T0 = new Date('2026-03-01T10:00:00.000Z');

async function run(s: InProcessSession, sql: string): Promise<BatchResult> {
  const result = await s.query(sql);
  assert.equal(
    result.errors.map((e) => `${e.number}: ${e.message}`),
    [],
    sql,
  );
  return result;
}

function types(columns: Column[] | undefined): string[] {
  return (columns ?? []).map((c) => {
    const t = c.sqlType;
    if ('length' in t) return `${c.name} ${t.type}(${t.length === -1 ? 'max' : t.length})`;
    if ('precision' in t) return `${c.name} ${t.type}(${t.precision},${t.scale})`;
    return `${c.name} ${t.type}`;
  });
}

async function seedSetup(): Promise<{ lab: LabState; p: InProcessSession; m: InProcessSession; clock: { now: Date } }> {
  const clock = { now: T0 };
  const lab = createSite({ adminPassword: PASSWORD, sizesMB: { Patriot: 64 }, now: T0 });
  const connect = async (name: string) => {
    const s = await signIn(inProcessInstance(lab, name, { now: () => clock.now }), 'mirrorbook', PASSWORD);
    return s;
  };
  const p = await connect('SQLPRI01');
  const m = await connect('SQLMIR01');
  for (const [s, role, peer] of [
    [p, 'PRINCIPAL', 'SQLMIR01'],
    [m, 'MIRROR', 'SQLPRI01'],
  ] as const) {
    await run(s, `CREATE MASTER KEY ENCRYPTION BY PASSWORD = '${PASSWORD}';`);
    await run(
      s,
      `USE master
      CREATE CERTIFICATE ${role}_cert WITH SUBJECT = '${role} certificate', START_DATE = '03/01/2026', EXPIRY_DATE = '03/01/2046'`,
    );
    await run(
      s,
      `CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP ( LISTENER_PORT=1430, LISTENER_IP = ALL)
      FOR DATABASE_MIRRORING ( AUTHENTICATION = CERTIFICATE ${role}_cert, ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = ALL);`,
    );
    await run(s, `BACKUP CERTIFICATE ${role}_cert TO FILE = '\\\\${peer}\\Backup\\${role}_cert.cer';`);
  }
  for (const [s, peerRole, name] of [
    [p, 'MIRROR', 'SQLPRI01'],
    [m, 'PRINCIPAL', 'SQLMIR01'],
  ] as const) {
    await run(s, `USE master; CREATE LOGIN ${peerRole}_login WITH PASSWORD = '${PASSWORD}';`);
    await run(s, `CREATE USER ${peerRole}_user FOR LOGIN ${peerRole}_login;`);
    await run(
      s,
      `CREATE CERTIFICATE ${peerRole}_cert AUTHORIZATION ${peerRole}_user FROM FILE = '${backupDirectory(lab.instances[name]!)}\\${peerRole}_cert.cer'`,
    );
    await run(s, `GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [${peerRole}_login];`);
  }
  return { lab, p, m, clock };
}

test('sys.certificates: columns, types and values for the local and the imported certificate', async () => {
  const { p, m } = await seedSetup();
  const r = await run(p, `SELECT * FROM master.sys.certificates ORDER BY certificate_id`);
  assert.equal(types(r.resultSets[0]?.columns), [
    'name nvarchar(128)',
    'certificate_id int',
    'principal_id int',
    'pvt_key_encryption_type char(2)',
    'pvt_key_encryption_type_desc nvarchar(60)',
    'is_active_for_begin_dialog bit',
    'issuer_name nvarchar(442)',
    'cert_serial_number nvarchar(64)',
    'sid varbinary(85)',
    'string_sid nvarchar(128)',
    'subject nvarchar(4000)',
    'expiry_date datetime',
    'start_date datetime',
    'thumbprint varbinary(32)',
    'attested_by nvarchar(260)',
    'pvt_key_last_backup_date datetime',
    'key_length int',
  ]);
  const [local, imported] = r.resultSets[0]!.rows;
  assert.equal(
    [local?.[0], local?.[3], local?.[4], local?.[6], local?.[10], local?.[11], local?.[12], local?.[16]],
    [
      'PRINCIPAL_cert',
      'MK',
      'ENCRYPTED_BY_MASTER_KEY',
      'PRINCIPAL certificate',
      'PRINCIPAL certificate',
      new Date('2046-03-01T00:00:00Z'),
      new Date('2026-03-01T00:00:00Z'),
      2048,
    ],
  );
  assert.match(String(local?.[7]), /^([0-9a-f]{2} ){15}[0-9a-f]{2}$/);
  assert.equal([imported?.[0], imported?.[3], imported?.[4], imported?.[10]], ['MIRROR_cert', 'NA', 'NO_PRIVATE_KEY', 'MIRROR certificate']);
  const owner = await run(
    p,
    `SELECT dp.name FROM sys.certificates c JOIN sys.database_principals dp ON dp.principal_id = c.principal_id WHERE c.name = 'MIRROR_cert'`,
  );
  assert.equal(owner.resultSets[0]?.rows, [['MIRROR_user']]);
  const mine = await run(m, `SELECT thumbprint FROM sys.certificates WHERE name = 'MIRROR_cert'`);
  assert.equal(mine.resultSets[0]?.rows[0]?.[0], imported?.[13], 'same thumbprint on both sides');
});

test('principals, permissions and the master key as the seed leaves them', async () => {
  const { p } = await seedSetup();
  const login = await run(p, `SELECT name, type, type_desc, is_disabled, default_database_name FROM sys.server_principals WHERE name = 'MIRROR_login'`);
  assert.equal(login.resultSets[0]?.rows, [['MIRROR_login', 'S', 'SQL_LOGIN', 0, 'master']]);
  assert.equal(types(login.resultSets[0]?.columns), [
    'name nvarchar(128)',
    'type char(1)',
    'type_desc nvarchar(60)',
    'is_disabled int',
    'default_database_name nvarchar(128)',
  ]);
  const user = await run(
    p,
    `SELECT dp.name, dp.type, dp.type_desc FROM master.sys.database_principals dp JOIN sys.server_principals sp ON sp.sid = dp.sid WHERE sp.name = 'MIRROR_login'`,
  );
  assert.equal(user.resultSets[0]?.rows, [['MIRROR_user', 'S', 'SQL_USER']]);
  const grant = await run(
    p,
    `SELECT class, class_desc, type, permission_name, state, state_desc, SUSER_NAME(grantee_principal_id)
    FROM sys.server_permissions WHERE class = 105 AND major_id = (SELECT endpoint_id FROM sys.database_mirroring_endpoints)`,
  );
  assert.equal(grant.resultSets[0]?.rows, [[105, 'ENDPOINT', 'CO  ', 'CONNECT', 'G', 'GRANT', 'MIRROR_login']]);
  assert.equal(types(grant.resultSets[0]?.columns).slice(0, 6), [
    'class tinyint',
    'class_desc nvarchar(60)',
    'type char(4)',
    'permission_name nvarchar(128)',
    'state char(1)',
    'state_desc nvarchar(60)',
  ]);
  const key = await run(p, `SELECT name, symmetric_key_id, key_algorithm, algorithm_desc FROM master.sys.symmetric_keys ORDER BY symmetric_key_id`);
  assert.equal(key.resultSets[0]?.rows, [
    ['##MS_DatabaseMasterKey##', 101, 'A3', 'AES_256'],
    ['##MS_ServiceMasterKey##', 102, 'A3', 'AES_256'],
  ]);
});

test('endpoints: sys.endpoints, sys.tcp_endpoints and sys.database_mirroring_endpoints agree', async () => {
  const { p } = await seedSetup();
  const r = await run(
    p,
    `SELECT e.name, e.protocol_desc, e.type, e.type_desc, e.state, e.state_desc, t.port, t.is_dynamic_port, t.ip_address, m.role, m.role_desc,
      m.connection_auth, m.connection_auth_desc, m.certificate_id - CERT_ID('PRINCIPAL_cert'), m.encryption_algorithm, m.encryption_algorithm_desc
    FROM sys.endpoints e JOIN sys.tcp_endpoints t ON t.endpoint_id = e.endpoint_id JOIN sys.database_mirroring_endpoints m ON m.endpoint_id = e.endpoint_id`,
  );
  assert.equal(r.resultSets[0]?.rows, [
    ['Endpoint_Mirroring', 'TCP', 4, 'DATABASE_MIRRORING', 0, 'STARTED', 1430, false, null, 3, 'ALL', 4, 'CERTIFICATE', 0, 2, 'AES'],
  ]);
  const all = await run(p, `SELECT name FROM sys.endpoints ORDER BY endpoint_id`);
  assert.equal(
    all.resultSets[0]?.rows.map((row) => row[0]),
    ['Dedicated Admin Connection', 'TSQL Local Machine', 'TSQL Named Pipes', 'TSQL Default TCP', 'TSQL Default VIA', 'Endpoint_Mirroring'],
  );
});

test('databases and mirroring: restore, SET PARTNER mirror first, then sys.database_mirroring, connections and DATABASEPROPERTYEX', async () => {
  const { lab, p, m, clock } = await seedSetup();
  const dir = backupDirectory(lab.instances['SQLMIR01']!);
  await run(
    p,
    `BACKUP DATABASE Patriot TO DISK = '\\\\SQLMIR01\\Backup\\Patriot.dat' WITH INIT; BACKUP LOG Patriot TO DISK = '\\\\SQLMIR01\\Backup\\Patriot_log.dat' WITH INIT`,
  );
  await run(
    m,
    `RESTORE DATABASE Patriot FROM DISK = '${dir}\\Patriot.dat' WITH NORECOVERY; RESTORE LOG Patriot FROM DISK = '${dir}\\Patriot_log.dat' WITH NORECOVERY`,
  );
  const restoring = await run(
    m,
    `SELECT name, state, state_desc, recovery_model, recovery_model_desc FROM sys.databases WHERE name = 'Patriot';
    SELECT DATABASEPROPERTYEX('Patriot', 'Status'), DATABASEPROPERTYEX('Patriot', 'Recovery')`,
  );
  assert.equal(restoring.resultSets[0]?.rows, [['Patriot', 1, 'RESTORING', 1, 'FULL']]);
  assert.equal(restoring.resultSets[1]?.rows, [['RESTORING', 'FULL']]);

  const history = await run(
    p,
    `SELECT b.database_name, b.type, b.server_name, f.physical_device_name FROM msdb.dbo.backupset b
    JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = b.media_set_id ORDER BY b.backup_set_id`,
  );
  assert.equal(
    history.resultSets[0]?.rows.map((row) => row.slice(0, 3)),
    [
      ['Patriot', 'D', 'SQLPRI01'],
      ['Patriot', 'L', 'SQLPRI01'],
    ],
  );
  assert.match(String(history.resultSets[0]?.rows[0]?.[3]), /^\\\\SQLMIR01\\/);
  const restored = await run(
    m,
    `SELECT b.type, b.server_name, r.restore_type FROM msdb.dbo.restorehistory r JOIN msdb.dbo.backupset b ON b.backup_set_id = r.backup_set_id ORDER BY r.restore_history_id`,
  );
  assert.equal(
    restored.resultSets[0]?.rows,
    [
      ['D', 'SQLPRI01', 'D'],
      ['L', 'SQLPRI01', 'L'],
    ],
    'the mirror records what it restored, not what it wrote',
  );

  await run(m, `ALTER DATABASE Patriot SET PARTNER = 'TCP://SQLPRI01.lab.local:1430'`);
  await run(p, `ALTER DATABASE Patriot SET PARTNER = 'TCP://sqlmir01.lab.local:1430'`);
  clock.now = new Date(T0.getTime() + 60_000);
  const dm = await run(p, `SELECT * FROM sys.database_mirroring WHERE database_id = DB_ID('Patriot')`);
  assert.equal(types(dm.resultSets[0]?.columns), [
    'database_id int',
    'mirroring_guid uniqueidentifier',
    'mirroring_state tinyint',
    'mirroring_state_desc nvarchar(60)',
    'mirroring_role tinyint',
    'mirroring_role_desc nvarchar(60)',
    'mirroring_role_sequence int',
    'mirroring_safety_level tinyint',
    'mirroring_safety_level_desc nvarchar(60)',
    'mirroring_safety_sequence int',
    'mirroring_partner_name nvarchar(128)',
    'mirroring_partner_instance nvarchar(128)',
    'mirroring_witness_name nvarchar(128)',
    'mirroring_witness_state tinyint',
    'mirroring_witness_state_desc nvarchar(60)',
    'mirroring_failover_lsn numeric(25,0)',
    'mirroring_connection_timeout int',
    'mirroring_redo_queue int',
    'mirroring_redo_queue_type nvarchar(60)',
    'mirroring_end_of_log_lsn numeric(25,0)',
    'mirroring_replication_lsn numeric(25,0)',
  ]);
  const row = dm.resultSets[0]!.rows[0]!;
  assert.equal(
    [row[2], row[3], row[4], row[5], row[7], row[8], row[10], row[11], row[12], row[13], row[14], row[16], row[18]],
    [4, 'SYNCHRONIZED', 1, 'PRINCIPAL', 2, 'FULL', 'TCP://sqlmir01.lab.local:1430', 'SQLMIR01', null, null, null, 10, 'UNLIMITED'],
  );
  const archive = await run(p, `SELECT mirroring_guid, mirroring_state_desc FROM sys.database_mirroring WHERE database_id = DB_ID('PatriotArchive')`);
  assert.equal(archive.resultSets[0]?.rows, [[null, null]]);
  const mirror = await run(m, `SELECT mirroring_role_desc, mirroring_partner_instance FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL`);
  assert.equal(mirror.resultSets[0]?.rows, [['MIRROR', 'SQLPRI01']]);

  const connections = await run(
    p,
    `SELECT state_desc, login_state_desc, principal_name, is_accept, encryption_algorithm_desc, peer_certificate_id - CERT_ID('MIRROR_cert')
    FROM sys.dm_db_mirroring_connections ORDER BY is_accept`,
  );
  assert.equal(connections.resultSets[0]?.rows, [
    ['LOGGED_IN', 'ONLINE', 'MIRROR_login', false, 'AES', 0],
    ['LOGGED_IN', 'ONLINE', 'MIRROR_login', true, 'AES', 0],
  ]);
});

test.run();
