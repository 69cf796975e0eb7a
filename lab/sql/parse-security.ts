// Logins, users, GRANT/DENY/REVOKE, server role membership.

import type {
  AlterLoginAction,
  AlterLoginStatement,
  AlterRoleStatement,
  AlterServerRoleStatement,
  CreateLoginStatement,
  CreateUserStatement,
  DropLoginStatement,
  DropUserStatement,
  LoginOptions,
  PermissionStatement,
} from './ast.js';
import type { Cursor } from './cursor.js';

export function parseCreateLogin(c: Cursor, line: number): CreateLoginStatement {
  c.expectWord('LOGIN');
  const name = c.identifier();
  if (c.acceptWord('FROM')) {
    const from = c.expectOneOf('WINDOWS', 'CERTIFICATE');
    if (from === 'CERTIFICATE') return { kind: 'createLogin', line, name, source: { kind: 'certificate', certificate: c.identifier() } };
    const options: LoginOptions = {};
    if (c.acceptWord('WITH')) {
      do loginOption(c, options, ['DEFAULT_DATABASE', 'DEFAULT_LANGUAGE']);
      while (c.acceptOp(','));
    }
    return { kind: 'createLogin', line, name, source: { kind: 'windows', options } };
  }
  c.expectWord('WITH', 'PASSWORD');
  c.equals();
  let password: string | { hashed: Buffer };
  if (c.peek().kind === 'binary') {
    password = { hashed: c.binary() };
    c.expectWord('HASHED');
  } else password = c.string();
  const options: LoginOptions = {};
  while (c.acceptOp(',')) loginOption(c, options, ['CHECK_POLICY', 'CHECK_EXPIRATION', 'DEFAULT_DATABASE', 'DEFAULT_LANGUAGE', 'SID']);
  return { kind: 'createLogin', line, name, source: { kind: 'password', password, options } };
}

function loginOption(c: Cursor, options: LoginOptions, allowed: string[]): void {
  const at = c.peek();
  const option = c.expectOneOf(...allowed);
  const keys = {
    CHECK_POLICY: 'checkPolicy',
    CHECK_EXPIRATION: 'checkExpiration',
    DEFAULT_DATABASE: 'defaultDatabase',
    DEFAULT_LANGUAGE: 'defaultLanguage',
    SID: 'sid',
  } as const;
  const key = keys[option as keyof typeof keys];
  if (options[key] !== undefined) throw c.fail(at);
  c.equals();
  if (key === 'sid') options.sid = c.binary();
  else if (key === 'checkPolicy' || key === 'checkExpiration') options[key] = c.onOff();
  else if (key === 'defaultDatabase') options.defaultDatabase = c.identifier();
  else options.defaultLanguage = c.identifier();
}

export function parseAlterLogin(c: Cursor, line: number): AlterLoginStatement {
  c.expectWord('LOGIN');
  const name = c.identifier();
  let action: AlterLoginAction;
  if (c.acceptWord('ENABLE')) action = { kind: 'enable' };
  else if (c.acceptWord('DISABLE')) action = { kind: 'disable' };
  else {
    c.expectWord('WITH');
    const withAction: Extract<AlterLoginAction, { kind: 'with' }> = { kind: 'with', options: {} };
    do {
      const at = c.peek();
      if (c.acceptWord('PASSWORD')) {
        if (withAction.password !== undefined) throw c.fail(at);
        c.equals();
        if (c.peek().kind === 'binary') {
          withAction.password = { hashed: c.binary() };
          c.expectWord('HASHED');
        } else withAction.password = c.string();
        if (c.acceptWord('OLD_PASSWORD')) {
          c.equals();
          withAction.oldPassword = c.string();
        }
      } else if (c.acceptWord('NAME')) {
        if (withAction.newName !== undefined) throw c.fail(at);
        c.equals();
        withAction.newName = c.identifier();
      } else loginOption(c, withAction.options, ['CHECK_POLICY', 'CHECK_EXPIRATION', 'DEFAULT_DATABASE', 'DEFAULT_LANGUAGE']);
    } while (c.acceptOp(','));
    action = withAction;
  }
  return { kind: 'alterLogin', line, name, action };
}

export function parseDropLogin(c: Cursor, line: number): DropLoginStatement {
  c.expectWord('LOGIN');
  return { kind: 'dropLogin', line, name: c.identifier() };
}

export function parseCreateUser(c: Cursor, line: number): CreateUserStatement {
  c.expectWord('USER');
  const name = c.identifier();
  let statement: CreateUserStatement;
  if (c.acceptOneOf('FOR', 'FROM')) {
    c.expectWord('LOGIN');
    statement = { kind: 'createUser', line, name, source: { kind: 'login', login: c.identifier() } };
  } else if (c.acceptWord('WITHOUT', 'LOGIN')) statement = { kind: 'createUser', line, name, source: { kind: 'withoutLogin' } };
  else statement = { kind: 'createUser', line, name, source: { kind: 'implicit' } };
  if (c.acceptWord('WITH', 'DEFAULT_SCHEMA')) {
    c.equals();
    statement.defaultSchema = c.identifier();
  }
  return statement;
}

export function parseDropUser(c: Cursor, line: number): DropUserStatement {
  c.expectWord('USER');
  return { kind: 'dropUser', line, name: c.identifier() };
}

/** GRANT | DENY | REVOKE permission[, …] [ON [class::]securable] {TO|FROM} principal[, …] … */
export function parsePermission(c: Cursor): PermissionStatement {
  const line = c.peek().line;
  const action = c.expectOneOf('GRANT', 'DENY', 'REVOKE');
  const grantOptionFor = action === 'REVOKE' && c.acceptWord('GRANT', 'OPTION', 'FOR');
  const permissions = [permissionName(c)];
  while (c.acceptOp(',')) permissions.push(permissionName(c));
  let on: PermissionStatement['on'];
  if (c.acceptWord('ON')) {
    if (c.peek().kind === 'word' && c.isOp('::', 1)) {
      const cls = c.next().text.toUpperCase();
      c.next();
      on = { class: cls, name: c.multipartName() };
    } else on = { class: 'OBJECT', name: c.multipartName() };
  }
  if (action === 'REVOKE') c.expectOneOf('TO', 'FROM');
  else c.expectWord('TO');
  const principals = [principal(c)];
  while (c.acceptOp(',')) principals.push(principal(c));
  const withGrantOption = action === 'GRANT' && c.acceptWord('WITH', 'GRANT', 'OPTION');
  const cascade = action !== 'GRANT' && c.acceptWord('CASCADE');
  const statement: PermissionStatement = { kind: 'permission', line, action, permissions, principals, withGrantOption, grantOptionFor, cascade };
  if (on) statement.on = on;
  if (c.acceptWord('AS')) statement.as = principal(c);
  return statement;
}

/** One permission: one or more words up to ',' / ON / TO / FROM ('CONNECT', 'ALTER ANY ENDPOINT'). */
function permissionName(c: Cursor): string {
  const words: string[] = [];
  for (;;) {
    const t = c.peek();
    if (t.kind !== 'word' || ['ON', 'TO', 'FROM'].includes(t.upper)) break;
    words.push(t.upper);
    c.next();
  }
  if (words.length === 0) throw c.fail();
  return words.join(' ');
}

/** Principals may be `public`, a reserved word. */
function principal(c: Cursor): string {
  if (c.isWord('PUBLIC')) return c.next().text;
  return c.identifier();
}

export function parseAlterServerRole(c: Cursor, line: number): AlterServerRoleStatement {
  c.expectWord('SERVER', 'ROLE');
  const role = c.identifier();
  const action = c.expectOneOf('ADD', 'DROP');
  c.expectWord('MEMBER');
  return { kind: 'alterServerRole', line, role, action, member: c.identifier() };
}

export function parseAlterRole(c: Cursor, line: number): AlterRoleStatement {
  c.expectWord('ROLE');
  const role = c.identifier();
  const action = c.expectOneOf('ADD', 'DROP');
  c.expectWord('MEMBER');
  return { kind: 'alterRole', line, role, action, member: c.identifier() };
}
