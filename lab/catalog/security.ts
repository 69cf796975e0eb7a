// sys.certificates, sys.symmetric_keys, sys.server_principals, sys.database_principals,
// sys.server_permissions, sys.server_role_members.

import type { Certificate, DatabaseState, InstanceState, Login } from '../model.js';
import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { permissionName } from '../instance/permission-codes.js';
import { FIXED_SERVER_ROLES } from '../instance/server-roles.js';
import { atLeast } from '../instance/version.js';
import { bit, char, date, datetime, hex, int, nvarchar, sysname, tinyint, uniqueidentifier, varbinary } from './columns.js';
import type { CatalogContext } from './context.js';

const KEY_ENCRYPTION: Record<Certificate['privateKeyEncryption'], string> = {
  MK: 'ENCRYPTED_BY_MASTER_KEY',
  PW: 'ENCRYPTED_BY_PASSWORD',
  NA: 'NO_PRIVATE_KEY',
};

/** SQL Server shows serial numbers as spaced hex bytes: '5f 29 e5 0a …'. */
export function serialText(serialHex: string): string {
  return (serialHex.match(/../g) ?? []).join(' ');
}

function certificateSid(certificate: Certificate): Buffer {
  return Buffer.concat([Buffer.from('010600000000000901000000', 'hex'), Buffer.from(certificate.thumbprintHex, 'hex')]);
}

function stringSid(sid: Buffer): string {
  const authority = sid.readUIntBE(2, 6);
  const subs: number[] = [];
  for (let offset = 8; offset + 4 <= sid.length; offset += 4) subs.push(sid.readUInt32LE(offset));
  return `S-${sid[0]}-${authority}-${subs.join('-')}`;
}

export function sysCertificates(ctx: CatalogContext, database: DatabaseState): Relation {
  const columns = [
    sysname('name'),
    int('certificate_id'),
    int('principal_id', true),
    char('pvt_key_encryption_type', 2),
    nvarchar('pvt_key_encryption_type_desc', 60),
    bit('is_active_for_begin_dialog', true),
    nvarchar('issuer_name', 442),
    nvarchar('cert_serial_number', 64),
    varbinary('sid', 85),
    nvarchar('string_sid', 128),
    nvarchar('subject', 4000),
    datetime('expiry_date', true),
    datetime('start_date', true),
    varbinary('thumbprint', 32, false),
    nvarchar('attested_by', 260),
    datetime('pvt_key_last_backup_date', true),
  ];
  const withKeyLength = atLeast(ctx.instance.version, '2016');
  if (withKeyLength) columns.push(int('key_length', true));
  const rows = Object.values(database.certificates)
    .sort((a, b) => a.certificateId - b.certificateId)
    .map((c): SqlValue[] => {
      const sid = certificateSid(c);
      const row: SqlValue[] = [
        c.name,
        c.certificateId,
        c.principalId,
        c.privateKeyEncryption,
        KEY_ENCRYPTION[c.privateKeyEncryption],
        true,
        c.issuer,
        serialText(c.serialHex),
        sid,
        stringSid(sid),
        c.subject,
        date(c.expiryDate),
        date(c.startDate),
        Buffer.from(c.thumbprintHex, 'hex'),
        null,
        date(c.pvtKeyLastBackupDate),
      ];
      if (withKeyLength) row.push(publicKeyBits(c));
      return row;
    });
  return { columns, rows };
}

function publicKeyBits(certificate: Certificate): number {
  // An RSA-2048 certificate's DER is well over 700 bytes; a 1024-bit one well under.
  return Buffer.from(certificate.derBase64, 'base64').length > 600 ? 2048 : 1024;
}

export function sysSymmetricKeys(ctx: CatalogContext, database: DatabaseState): Relation {
  const columns = [
    sysname('name'),
    int('principal_id', true),
    int('symmetric_key_id'),
    int('key_length'),
    char('key_algorithm', 2),
    nvarchar('algorithm_desc', 60),
    datetime('create_date'),
    datetime('modify_date'),
    uniqueidentifier('key_guid', true),
    varbinary('key_thumbprint', 32),
    nvarchar('provider_type', 60),
    uniqueidentifier('cryptographic_provider_guid', true),
    varbinary('cryptographic_provider_algid', 8000),
  ];
  const rows: SqlValue[][] = [];
  const aes = atLeast(ctx.instance.version, '2012');
  if (database.masterKey) {
    const key = database.masterKey;
    const isAes = key.algorithm === 'AES_256';
    rows.push([
      '##MS_DatabaseMasterKey##',
      1,
      101,
      isAes ? 256 : 128,
      isAes ? 'A3' : 'D3',
      key.algorithm,
      date(key.createDate),
      date(key.createDate),
      key.keyGuid,
      null,
      null,
      null,
      null,
    ]);
  }
  if (database.name === 'master') {
    const installed = date(database.createDate);
    rows.push([
      '##MS_ServiceMasterKey##',
      1,
      102,
      aes ? 256 : 128,
      aes ? 'A3' : 'D3',
      aes ? 'AES_256' : 'TRIPLE_DES',
      installed,
      installed,
      database.familyGuid,
      null,
      null,
      null,
      null,
    ]);
  }
  return { columns, rows };
}

const LOGIN_TYPES: Record<Login['type'], string> = { S: 'SQL_LOGIN', U: 'WINDOWS_LOGIN', G: 'WINDOWS_GROUP' };

export function sysServerPrincipals(ctx: CatalogContext): Relation {
  const columns = [
    sysname('name'),
    int('principal_id'),
    varbinary('sid', 85),
    char('type', 1),
    nvarchar('type_desc', 60),
    int('is_disabled', true),
    datetime('create_date'),
    datetime('modify_date'),
    sysname('default_database_name', true),
    sysname('default_language_name', true),
    int('credential_id', true),
    int('owning_principal_id', true),
    bit('is_fixed_role'),
  ];
  const installed = date(ctx.instance.databases['master']?.createDate);
  const rows: SqlValue[][] = [];
  for (const [role, id] of Object.entries(FIXED_SERVER_ROLES)) {
    rows.push([role, id, Buffer.from([id]), 'R', 'SERVER_ROLE', 0, installed, installed, null, null, null, 1, role !== 'public']);
  }
  for (const login of Object.values(ctx.instance.logins)) {
    rows.push([
      login.name,
      login.principalId,
      hex(login.sidHex),
      login.type,
      LOGIN_TYPES[login.type],
      login.isDisabled ? 1 : 0,
      date(login.createDate),
      date(login.createDate),
      login.defaultDatabase,
      login.defaultLanguage ?? 'us_english',
      null,
      null,
      false,
    ]);
  }
  rows.sort((a, b) => (a[1] as number) - (b[1] as number));
  return { columns, rows };
}

const FIXED_DATABASE_ROLES: [string, number][] = [
  ['public', 0],
  ['db_owner', 16384],
  ['db_accessadmin', 16385],
  ['db_securityadmin', 16386],
  ['db_ddladmin', 16387],
  ['db_backupoperator', 16389],
  ['db_datareader', 16390],
  ['db_datawriter', 16391],
  ['db_denydatareader', 16392],
  ['db_denydatawriter', 16393],
];

export function sysDatabasePrincipals(ctx: CatalogContext, database: DatabaseState): Relation {
  const columns = [
    sysname('name'),
    int('principal_id'),
    char('type', 1),
    nvarchar('type_desc', 60),
    sysname('default_schema_name', true),
    datetime('create_date'),
    datetime('modify_date'),
    int('owning_principal_id', true),
    varbinary('sid', 85),
    bit('is_fixed_role'),
    int('authentication_type'),
    nvarchar('authentication_type_desc', 60),
  ];
  const created = date(database.createDate);
  const rows: SqlValue[][] = [];
  for (const user of Object.values(database.users)) {
    const login = user.loginSidHex ? Object.values(ctx.instance.logins).find((candidate) => candidate.sidHex === user.loginSidHex) : undefined;
    const auth: [number, string] =
      user.name === 'guest' || !user.loginSidHex ? [0, 'NONE'] : login?.type === 'U' || user.type === 'U' ? [3, 'WINDOWS'] : [1, 'INSTANCE'];
    rows.push([
      user.name,
      user.principalId,
      user.type,
      user.type === 'U' ? 'WINDOWS_USER' : user.type === 'C' ? 'CERTIFICATE_MAPPED_USER' : 'SQL_USER',
      'dbo',
      date(user.createDate),
      date(user.createDate),
      null,
      hex(user.loginSidHex),
      false,
      auth[0],
      auth[1],
    ]);
  }
  rows.push(['INFORMATION_SCHEMA', 3, 'S', 'SQL_USER', null, created, created, null, null, false, 0, 'NONE']);
  rows.push(['sys', 4, 'S', 'SQL_USER', null, created, created, null, null, false, 0, 'NONE']);
  for (const [role, id] of FIXED_DATABASE_ROLES) {
    rows.push([
      role,
      id,
      'R',
      'DATABASE_ROLE',
      null,
      created,
      created,
      1,
      Buffer.from([1, 5, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, id & 0xff]),
      role !== 'public',
      0,
      'NONE',
    ]);
  }
  rows.sort((a, b) => (a[1] as number) - (b[1] as number));
  return { columns, rows };
}

const PERMISSION_STATES = { G: 'GRANT', W: 'GRANT_WITH_GRANT_OPTION', D: 'DENY' } as const;

export function sysServerPermissions(ctx: CatalogContext): Relation {
  const columns = [
    tinyint('class'),
    nvarchar('class_desc', 60),
    int('major_id'),
    int('minor_id'),
    int('grantee_principal_id'),
    int('grantor_principal_id'),
    char('type', 4),
    nvarchar('permission_name', 128),
    char('state', 1),
    nvarchar('state_desc', 60),
  ];
  const rows: SqlValue[][] = [];
  // What every instance has: public may connect to the TSQL endpoints, each login may CONNECT SQL.
  for (const endpointId of [2, 3, 4, 5]) rows.push([105, 'ENDPOINT', endpointId, 0, 2, 1, 'CO  ', 'CONNECT', 'G', 'GRANT']);
  rows.push([100, 'SERVER', 0, 0, 2, 1, 'VWDB', 'VIEW ANY DATABASE', 'G', 'GRANT']);
  for (const login of Object.values(ctx.instance.logins)) rows.push([100, 'SERVER', 0, 0, login.principalId, 1, 'COSQ', 'CONNECT SQL', 'G', 'GRANT']);
  for (const permission of ctx.instance.serverPermissions) {
    rows.push([
      permission.class,
      permission.class === 105 ? 'ENDPOINT' : 'SERVER',
      permission.majorId,
      0,
      permission.granteePrincipalId,
      permission.grantorPrincipalId,
      permission.type.padEnd(4),
      permissionName(permission.type, permission.class),
      permission.state,
      PERMISSION_STATES[permission.state],
    ]);
  }
  return { columns, rows };
}

export function sysServerRoleMembers(ctx: CatalogContext): Relation {
  const rows: SqlValue[][] = [];
  for (const [role, members] of Object.entries(ctx.instance.serverRoleMembers)) {
    const roleId = FIXED_SERVER_ROLES[role];
    if (roleId === undefined) continue;
    for (const member of members) {
      const login = Object.values(ctx.instance.logins).find((candidate) => candidate.name.toLowerCase() === member.toLowerCase());
      if (login) rows.push([roleId, login.principalId]);
    }
  }
  return { columns: [int('role_principal_id'), int('member_principal_id')], rows };
}

export function loginById(instance: InstanceState, principalId: number): string | null {
  const role = Object.entries(FIXED_SERVER_ROLES).find(([, id]) => id === principalId);
  if (role) return role[0];
  return Object.values(instance.logins).find((login) => login.principalId === principalId)?.name ?? null;
}
