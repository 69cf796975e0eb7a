// Instance-specific scalar functions and @@ variables: CERT_ID, CERTENCODED, DB_ID, SERVERPROPERTY …

import { heldMode, parseOwner } from '../server/applocks.js';
import { SqlError } from '../errors.js';
import type { Typed } from '../sql/catalog.js';
import type { SqlType, SqlValue } from '../tds/handler.js';
import { certificateEncoded, certificatePrivateKey, findCertificate } from '../instance/certificates.js';
import { passwordHashBytes } from '../instance/password.js';
import { isRoleMember } from '../instance/server-roles.js';
import { findDatabase } from '../instance/scope.js';
import { defaultPaths } from '../instance/database.js';
import { editionName, engineEdition, productVersion, versionFacts, versionString, atLeast } from '../instance/version.js';
import type { CatalogContext } from './context.js';
import { COLLATION } from './databases.js';
import { loginById } from './security.js';
import { permissionFunction } from './permission-functions.js';
import { hasServerPermission } from '../instance/effective-permissions.js';
import { sessionLogin } from '../instance/scope.js';

const INT: SqlType = { type: 'int' };
const SYSNAME: SqlType = { type: 'nvarchar', length: 128 };
const nvarchar = (length: number): SqlType => ({ type: 'nvarchar', length });
const VARBINARY_MAX: SqlType = { type: 'varbinary', length: -1 };

const typed = (value: SqlValue, type: SqlType): Typed => ({ value, type });
const text = (value: string | null, length = 128): Typed => typed(value, nvarchar(length));
const int = (value: number | null): Typed => typed(value, INT);

function argText(args: Typed[], index: number): string | null {
  const value = args[index]?.value;
  return value === null || value === undefined ? null : String(value);
}

function argNumber(args: Typed[], index: number): number | null {
  const value = args[index]?.value;
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function notBuiltIn(name: string): SqlError {
  return new SqlError(195, `'${name}' is not a recognized built-in function name.`, { class: 15 });
}

export function serverProperty(ctx: CatalogContext, property: string): Typed {
  const i = ctx.instance;
  const facts = versionFacts(i.version);
  switch (property.toLowerCase()) {
    case 'productversion':
      return text(productVersion(i.version));
    case 'productmajorversion':
      return atLeast(i.version, '2012') ? text(String(facts.major)) : text(null);
    case 'productminorversion':
      return atLeast(i.version, '2012') ? text(String(facts.minor)) : text(null);
    case 'productbuild':
      return atLeast(i.version, '2012') ? text(String(facts.build)) : text(null);
    case 'productlevel':
      return text(facts.level);
    case 'productupdatelevel':
      return text(null);
    case 'edition':
      return text(editionName(i.edition));
    case 'editionid':
      return typed({ Enterprise: 1804890536, Standard: -1534726760, Developer: -2117995310, Express: -1592396055 }[i.edition], { type: 'bigint' });
    case 'engineedition':
      return int(engineEdition(i.edition));
    case 'machinename':
      return text(i.host);
    case 'servername':
      return text(i.name);
    case 'instancename':
      return text(i.name.includes('\\') ? (i.name.split('\\')[1] ?? null) : null);
    case 'computernamephysicalnetbios':
      return text(i.host);
    case 'ishadrenabled':
      return atLeast(i.version, '2012') ? int(0) : text(null);
    case 'isclustered':
      return int(0);
    case 'isintegratedsecurityonly':
      return int(0);
    case 'issingleuser':
      return int(0);
    case 'isfulltextinstalled':
      return int(1);
    case 'collation':
      return text(COLLATION);
    case 'lcid':
      return int(1033);
    case 'processid':
      return int(i.service.status === 'Running' ? i.service.processId : null);
    case 'resourceversion':
      return text(productVersion(i.version));
    case 'buildclrversion':
      return text('v4.0.30319');
    // SERVERPROPERTY (Transact-SQL): the default data/log folders, with their trailing backslash,
    // from SQL Server 2012 on (NULL before).
    case 'instancedefaultdatapath':
      return atLeast(i.version, '2012') ? text(`${defaultPaths(i).data}\\`) : text(null);
    case 'instancedefaultlogpath':
      return atLeast(i.version, '2012') ? text(`${defaultPaths(i).log}\\`) : text(null);
    default:
      return text(null);
  }
}

function databasePropertyEx(ctx: CatalogContext, databaseName: string | null, property: string | null): Typed {
  const database = databaseName === null ? undefined : findDatabase(ctx.instance, databaseName);
  if (!database || property === null) return text(null);
  switch (property.toLowerCase()) {
    case 'status':
      return text(database.state);
    case 'recovery':
      return text(database.recoveryModel);
    case 'updateability':
      return text(database.snapshotOf === undefined ? 'READ_WRITE' : 'READ_ONLY');
    case 'useraccess':
      return text(database.userAccess ?? 'MULTI_USER');
    case 'collation':
      return text(database.state === 'RESTORING' ? null : COLLATION);
    case 'version':
      return int(database.state === 'ONLINE' ? 904 : null);
    case 'isautoclose':
      return int(0);
    case 'isautoshrink':
      return int(0);
    default:
      return text(null);
  }
}

export function scalarFunction(ctx: CatalogContext, name: string, args: Typed[]): Typed | undefined {
  const session = ctx.session;
  const instance = ctx.instance;
  switch (name) {
    case 'CERT_ID': {
      const database = ctx.database();
      const certificateName = argText(args, 0);
      const certificate = database && certificateName !== null ? findCertificate(database, certificateName) : undefined;
      return int(certificate?.certificateId ?? null);
    }
    case 'CERTENCODED': {
      if (!atLeast(instance.version, '2012')) throw notBuiltIn('CERTENCODED');
      const database = ctx.database();
      const id = argNumber(args, 0);
      return typed(database && id !== null ? certificateEncoded(database, id) : null, VARBINARY_MAX);
    }
    case 'CERTPRIVATEKEY': {
      if (!atLeast(instance.version, '2012')) throw notBuiltIn('CERTPRIVATEKEY');
      const database = ctx.database();
      const id = argNumber(args, 0);
      const password = argText(args, 1);
      return typed(database && id !== null && password !== null ? certificatePrivateKey(database, id, password) : null, VARBINARY_MAX);
    }
    case 'DB_ID': {
      const databaseName = args.length === 0 ? session.database : argText(args, 0);
      return int(databaseName === null ? null : (findDatabase(instance, databaseName)?.databaseId ?? null));
    }
    case 'DB_NAME': {
      const id = args.length === 0 ? (findDatabase(instance, session.database)?.databaseId ?? null) : argNumber(args, 0);
      return text(Object.values(instance.databases).find((database) => database.databaseId === id)?.name ?? null);
    }
    case 'APPLOCK_MODE': {
      // APPLOCK_MODE(principal, resource, owner): the mode this session holds, 'NoLock' if none.
      const owner = parseOwner(argText(args, 2));
      const held = owner
        ? heldMode({
            instance: instance.name,
            spid: session.spid,
            database: session.database,
            principal: argText(args, 0) ?? 'public',
            resource: argText(args, 1) ?? '',
            owner,
          })
        : 'NoLock';
      return typed(held, nvarchar(32));
    }
    case 'SERVERPROPERTY': {
      const property = argText(args, 0);
      return property === null ? text(null) : serverProperty(ctx, property);
    }
    case 'DATABASEPROPERTYEX':
      return databasePropertyEx(ctx, argText(args, 0), argText(args, 1));
    case 'SUSER_NAME':
    case 'SUSER_SNAME': {
      if (args.length === 0) return text(session.login);
      if (name === 'SUSER_NAME') {
        const id = argNumber(args, 0);
        return text(id === null ? null : loginById(instance, id));
      }
      const sid = args[0]?.value;
      const sidHex = Buffer.isBuffer(sid) ? sid.toString('hex') : null;
      return text(Object.values(instance.logins).find((login) => login.sidHex === sidHex)?.name ?? null);
    }
    case 'SUSER_ID': {
      const loginName = args.length === 0 ? session.login : argText(args, 0);
      return int(Object.values(instance.logins).find((login) => login.name.toLowerCase() === loginName?.toLowerCase())?.principalId ?? null);
    }
    case 'SUSER_SID': {
      const loginName = args.length === 0 ? session.login : argText(args, 0);
      const login = Object.values(instance.logins).find((candidate) => candidate.name.toLowerCase() === loginName?.toLowerCase());
      return typed(login ? Buffer.from(login.sidHex, 'hex') : null, { type: 'varbinary', length: 85 });
    }
    case 'ORIGINAL_LOGIN':
      return text(session.login);
    case 'USER_NAME':
    case 'CURRENT_USER': {
      const database = findDatabase(instance, session.database);
      const login = Object.values(instance.logins).find((candidate) => candidate.name.toLowerCase() === session.login.toLowerCase());
      const user = database && login ? Object.values(database.users).find((candidate) => candidate.loginSidHex === login.sidHex) : undefined;
      return text(user?.name ?? (isRoleMember(instance, session.login, 'sysadmin') ? 'dbo' : 'guest'));
    }
    case 'LOGINPROPERTY': {
      // Only the property a login migration needs (learn.microsoft.com: LOGINPROPERTY).
      const login = Object.values(instance.logins).find((candidate) => candidate.name.toLowerCase() === argText(args, 0)?.toLowerCase());
      if (argText(args, 1)?.toLowerCase() !== 'passwordhash') return typed(null, { type: 'varbinary', length: 256 });
      // PasswordHash needs CONTROL SERVER; without it the answer is NULL.
      if (!hasServerPermission(instance, sessionLogin(ctx), 'CONTROL SERVER')) return typed(null, { type: 'varbinary', length: 256 });
      return typed(login?.passwordHash ? passwordHashBytes(login.passwordHash) : null, { type: 'varbinary', length: 256 });
    }
    case 'IS_SRVROLEMEMBER': {
      const role = argText(args, 0);
      const loginName = args.length > 1 ? argText(args, 1) : session.login;
      return int(role === null || loginName === null ? null : isRoleMember(instance, loginName, role.toLowerCase()) ? 1 : 0);
    }
    case 'HOST_NAME':
      return text(session.hostName);
    case 'APP_NAME':
      return text(session.appName);
    default:
      return permissionFunction(ctx, name, args);
  }
}

export function variable(ctx: CatalogContext, name: string): Typed | undefined {
  const instance = ctx.instance;
  switch (name.toUpperCase()) {
    case '@@SERVERNAME':
      return typed(instance.name, SYSNAME);
    case '@@SERVICENAME':
      return typed(instance.name.includes('\\') ? (instance.name.split('\\')[1] ?? 'MSSQLSERVER') : 'MSSQLSERVER', SYSNAME);
    case '@@VERSION':
      return typed(versionString(instance.version, instance.edition), nvarchar(300));
    case '@@SPID':
      return typed(ctx.session.spid, { type: 'smallint' });
    case '@@LANGUAGE':
      return typed('us_english', SYSNAME);
    case '@@LANGID':
      return typed(0, { type: 'smallint' });
    case '@@MAX_PRECISION':
      return typed(38, { type: 'tinyint' });
    case '@@MICROSOFTVERSION': {
      const facts = versionFacts(instance.version);
      return int(facts.major * 16_777_216 + facts.minor * 65_536 + facts.build);
    }
    default:
      return undefined;
  }
}
