// The functions a script asks "may I?" with (learn.microsoft.com "HAS_PERMS_BY_NAME",
// "fn_my_permissions", "IS_ROLEMEMBER", "IS_MEMBER", "DATABASE_PRINCIPAL_ID"), answered from the
// same effective permissions the statements are checked against (lab/instance/effective-permissions.ts).
//   HAS_PERMS_BY_NAME(securable, class, permission): 1 / 0; NULL for a securable that does not exist
//   or a class the lab does not model. Classes SERVER (securable NULL), DATABASE, ENDPOINT, OBJECT.
//   fn_my_permissions(securable, class): entity_name, subentity_name, permission_name, one row each.

import type { DatabaseState, Login } from '../model.js';
import type { Relation, Typed } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import {
  DATABASE_PERMISSION_NAMES,
  hasDatabasePermission,
  hasEndpointPermission,
  hasServerPermission,
  isDatabaseRoleMember,
  isSysadminLogin,
  myDatabasePermissions,
  myServerPermissions,
} from '../instance/effective-permissions.js';
import { findDatabase, sessionLogin } from '../instance/scope.js';
import { mappedUser } from '../instance/database-access.js';
import { findByName } from '../instance/principals.js';
import type { CatalogContext } from './context.js';
import { nvarchar, sysname } from './columns.js';

const INT = { type: 'int' } as const;
const int = (value: number | null): Typed => ({ value, type: INT });
const text = (args: Typed[], index: number): string | null => {
  const value = args[index]?.value;
  return value === null || value === undefined ? null : String(value);
};

/** 'msdb.dbo.backupset' / 'dbo.t' / 't' → its database and table name. */
function objectOf(ctx: CatalogContext, securable: string): { database: DatabaseState; table: string } | undefined {
  const parts = securable.split('.').map((part) => part.replace(/^\[|\]$/g, ''));
  const database = findDatabase(ctx.instance, parts.length >= 3 ? parts[parts.length - 3]! : ctx.session.database);
  const table = parts.at(-1);
  return database && table ? { database, table: table.toLowerCase() } : undefined;
}

function hasPermsByName(ctx: CatalogContext, login: Login | undefined, securable: string | null, securableClass: string, permission: string): number | null {
  const instance = ctx.instance;
  switch (securableClass) {
    case 'SERVER':
      return hasServerPermission(instance, login, permission) ? 1 : 0;
    case 'DATABASE': {
      const database = findDatabase(instance, securable ?? ctx.session.database);
      if (!database) return null;
      if (permission === 'CONTROL')
        return isDatabaseRoleMember(instance, login, database, 'db_owner') || hasServerPermission(instance, login, 'CONTROL SERVER') ? 1 : 0;
      if (permission === 'CONNECT') return isSysadminLogin(instance, login) || (login !== undefined && mappedUser(database, login) !== undefined) ? 1 : 0;
      return hasDatabasePermission(instance, login, database, permission) ? 1 : 0;
    }
    case 'ENDPOINT': {
      const endpoint = instance.endpoint;
      if (!endpoint || securable === null || endpoint.name.toLowerCase() !== securable.toLowerCase()) return null;
      if (permission !== 'CONNECT' && permission !== 'ALTER' && permission !== 'CONTROL') return 0;
      return hasEndpointPermission(instance, login, permission) ? 1 : 0;
    }
    case 'OBJECT': {
      const object = securable === null ? undefined : objectOf(ctx, securable);
      if (!object) return null;
      return hasDatabasePermission(instance, login, object.database, permission, `dbo.${object.table}`) ? 1 : 0;
    }
    default:
      return null;
  }
}

export function permissionFunction(ctx: CatalogContext, name: string, args: Typed[]): Typed | undefined {
  const login = sessionLogin(ctx);
  switch (name) {
    case 'HAS_PERMS_BY_NAME': {
      const permission = text(args, 2)?.toUpperCase().replace(/\s+/g, ' ');
      const securableClass = (text(args, 1) ?? 'SERVER').toUpperCase();
      return int(permission === undefined ? null : hasPermsByName(ctx, login, text(args, 0), securableClass, permission));
    }
    case 'IS_ROLEMEMBER':
    case 'IS_MEMBER': {
      const role = text(args, 0)?.toLowerCase();
      const database = findDatabase(ctx.instance, ctx.session.database);
      if (role === undefined || !database) return int(null);
      if (role === 'public') return int(1);
      if (!role.startsWith('db_')) return int(null);
      return int(isDatabaseRoleMember(ctx.instance, login, database, role) ? 1 : 0);
    }
    case 'DATABASE_PRINCIPAL_ID': {
      const database = findDatabase(ctx.instance, ctx.session.database);
      const principal = text(args, 0);
      if (!database) return int(null);
      if (principal === null) return int(login ? (mappedUser(database, login)?.principalId ?? (isSysadminLogin(ctx.instance, login) ? 1 : null)) : null);
      return int(findByName(database.users, principal)?.[1].principalId ?? null);
    }
    default:
      return undefined;
  }
}

/** fn_my_permissions(securable, securable_class). */
export function fnMyPermissions(ctx: CatalogContext, args: Typed[]): Relation {
  const columns = [sysname('entity_name', true), sysname('subentity_name', true), nvarchar('permission_name', 60)];
  const login = sessionLogin(ctx);
  const securable = text(args, 0);
  const securableClass = (text(args, 1) ?? '').toUpperCase();
  const rows = (entity: string, names: readonly string[]): Relation => ({ columns, rows: names.map((name): SqlValue[] => [entity, '', name]) });
  switch (securableClass) {
    case 'SERVER':
      return rows('server', myServerPermissions(ctx.instance, login));
    case 'DATABASE': {
      const database = findDatabase(ctx.instance, securable ?? ctx.session.database);
      return database ? rows(database.name, myDatabasePermissions(ctx.instance, login, database)) : { columns, rows: [] };
    }
    case 'ENDPOINT': {
      const endpoint = ctx.instance.endpoint;
      if (!endpoint || securable?.toLowerCase() !== endpoint.name.toLowerCase()) return { columns, rows: [] };
      return rows(
        endpoint.name,
        (['ALTER', 'CONNECT', 'CONTROL'] as const).filter((p) => hasEndpointPermission(ctx.instance, login, p)),
      );
    }
    case 'OBJECT': {
      const object = securable === null ? undefined : objectOf(ctx, securable);
      if (!object) return { columns, rows: [] };
      const held = DATABASE_PERMISSION_NAMES.filter((p) => ['SELECT', 'INSERT', 'UPDATE', 'DELETE'].includes(p));
      return rows(
        securable!,
        held.filter((p) => hasDatabasePermission(ctx.instance, login, object.database, p, `dbo.${object.table}`)),
      );
    }
    default:
      return { columns, rows: [] };
  }
}
