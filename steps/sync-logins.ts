// Application logins on every partner. A mirrored database carries its users, not the server
// logins they map to (by SID): after a failover the application logs in to the other instance,
// and a login missing there (18456) or with another SID (the user is orphaned: 18456 state 38,
// 916) leaves the application down while the session looks healthy. sync-logins reads every user
// of the mirrored databases on the partner that serves them and makes its login exist on the other
// partner with the same SID (SQL logins with their password hash, `PASSWORD = 0x… HASHED` —
// learn.microsoft.com: CREATE LOGIN; Windows logins by name), default database and server roles.
// A hash is a secret: it is masked in plans, the audit and every detail.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { ConnectionError } from './connection.js';
import { readDatabase } from './database-state.js';
import { CheckFailedError, isTrue, rows, type SqlTarget } from './step.js';
import { hex, id, kw, lit, secretHex, tsql, type Statement } from './tsql.js';
import type { Partner } from '../config/types.js';

export type Query = (target: Partner, statement: Statement) => Promise<Record<string, unknown>[]>;

export interface ServerLogin {
  name: string;
  type: 'S' | 'U' | 'G';
  sid: Buffer;
  defaultDatabase: string | null;
  passwordHash: Buffer | null;
  roles: string[];
  /** sys.server_principals.is_disabled: a disabled login cannot log in (18456 state 7). */
  disabled: boolean;
}

export interface ApplicationLogin extends ServerLogin {
  /** "Patriot.Patriot": the database users it maps to. */
  users: string[];
}

export interface LoginDrift {
  login: string;
  problem: 'missing' | 'sid' | 'password' | 'default-database' | 'roles' | 'disabled';
  /** In words, never with a hash. */
  detail: string;
}

const usersQuery = (database: string) =>
  tsql`SELECT dp.name AS user_name, sp.name AS login_name, sp.type, sp.sid, sp.default_database_name, sp.is_disabled, LOGINPROPERTY(sp.name, ${lit('PasswordHash')}) AS password_hash FROM ${id('database', database)}.sys.database_principals dp JOIN sys.server_principals sp ON sp.sid = dp.sid WHERE dp.type IN (${lit('S')}, ${lit('U')}, ${lit('G')}) AND dp.principal_id > 4`;
const loginsQuery = tsql`SELECT sp.name AS login_name, sp.type, sp.sid, sp.default_database_name, sp.is_disabled, LOGINPROPERTY(sp.name, ${lit('PasswordHash')}) AS password_hash FROM sys.server_principals sp WHERE sp.type IN (${lit('S')}, ${lit('U')}, ${lit('G')})`;
const rolesQuery = tsql`SELECT r.name AS role_name, m.name AS login_name FROM sys.server_role_members rm JOIN sys.server_principals r ON r.principal_id = rm.role_principal_id JOIN sys.server_principals m ON m.principal_id = rm.member_principal_id`;

const buffer = (value: unknown): Buffer | null => (Buffer.isBuffer(value) ? value : value instanceof Uint8Array ? Buffer.from(value) : null);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

async function rolesByLogin(query: Query, target: Partner): Promise<Map<string, string[]>> {
  const byLogin = new Map<string, string[]>();
  for (const row of await query(target, rolesQuery)) {
    const login = String(row.login_name).toLowerCase();
    byLogin.set(login, [...(byLogin.get(login) ?? []), String(row.role_name)]);
  }
  return byLogin;
}

function toLogin(row: Record<string, unknown>, roles: Map<string, string[]>): ServerLogin {
  const name = String(row.login_name);
  return {
    name,
    type: String(row.type) as ServerLogin['type'],
    sid: buffer(row.sid) ?? Buffer.alloc(0),
    defaultDatabase: row.default_database_name == null ? null : String(row.default_database_name),
    passwordHash: buffer(row.password_hash),
    roles: roles.get(name.toLowerCase()) ?? [],
    disabled: isTrue(row.is_disabled),
  };
}

/** The logins the users of `databases` map to, as `source` (the partner where they are readable) has them. */
export async function applicationLogins(query: Query, source: Partner, databases: string[]): Promise<ApplicationLogin[]> {
  const roles = await rolesByLogin(query, source);
  const found = new Map<string, ApplicationLogin>();
  for (const database of databases) {
    for (const row of await query(source, usersQuery(database))) {
      const login = toLogin(row, roles);
      const key = login.name.toLowerCase();
      const known = found.get(key) ?? { ...login, users: [] };
      known.users.push(`${database}.${String(row.user_name)}`);
      found.set(key, known);
    }
  }
  return [...found.values()];
}

export async function serverLogins(query: Query, target: Partner): Promise<ServerLogin[]> {
  const roles = await rolesByLogin(query, target);
  return (await query(target, loginsQuery)).map((row) => toLogin(row, roles));
}

/** What `target` lacks of the application's logins: the reading `check` and `monitor` show as ⚠. */
export function loginDrift(wanted: ApplicationLogin[], present: ServerLogin[]): LoginDrift[] {
  const drift: LoginDrift[] = [];
  for (const login of wanted) {
    const there = present.find((p) => same(p.name, login.name));
    if (!there) {
      drift.push({ login: login.name, problem: 'missing', detail: `login ${login.name} does not exist (users ${login.users.join(', ')} cannot log in)` });
      continue;
    }
    if (login.type === 'S' && !there.sid.equals(login.sid)) {
      drift.push({ login: login.name, problem: 'sid', detail: `login ${login.name} has another SID: users ${login.users.join(', ')} are orphaned there` });
      continue;
    }
    if (login.type === 'S' && login.passwordHash && !(there.passwordHash && there.passwordHash.equals(login.passwordHash))) {
      drift.push({ login: login.name, problem: 'password', detail: `login ${login.name} has another password` });
    }
    if (login.defaultDatabase && !(there.defaultDatabase && same(there.defaultDatabase, login.defaultDatabase))) {
      drift.push({
        login: login.name,
        problem: 'default-database',
        detail: `login ${login.name} defaults to ${there.defaultDatabase ?? 'nothing'}, not ${login.defaultDatabase}`,
      });
    }
    // Disabled here while it logs in where the databases are served: after a failover the
    // application is refused (18456 state 7). One disabled on purpose at the source is left alone.
    if (there.disabled && !login.disabled)
      drift.push({
        login: login.name,
        problem: 'disabled',
        detail: `login ${login.name} is disabled (users ${login.users.join(', ')} cannot log in after a failover)`,
      });
    const missingRoles = login.roles.filter((r) => !there.roles.some((t) => same(t, r)));
    if (missingRoles.length > 0) drift.push({ login: login.name, problem: 'roles', detail: `login ${login.name} is not in ${missingRoles.join(', ')}` });
  }
  return drift;
}

/** A login's default database may be a system database, which the mirrored-database name rule refuses. */
const defaultDatabaseName = (name: string) => (/^(master|model|msdb|tempdb)$/i.test(name) ? kw(name.toUpperCase()) : id('database', name));

/** The statements that make `target` hold `login` as the source has it (never dropping anything). */
function fixes(login: ApplicationLogin, drift: LoginDrift[]): Statement[] {
  const problems = new Set(drift.filter((d) => d.login === login.name).map((d) => d.problem));
  const kind = login.type === 'S' ? 'login' : 'windows-login';
  const name = id(kind, login.name);
  const statements: Statement[] = [];
  const defaultDatabase = login.defaultDatabase ? tsql`, DEFAULT_DATABASE = ${defaultDatabaseName(login.defaultDatabase)}` : tsql``;
  if (problems.has('missing')) {
    if (login.type === 'S') {
      if (!login.passwordHash)
        throw new CheckFailedError(
          `the password hash of login ${login.name} cannot be read`,
          'the mirrorbook login needs CONTROL SERVER (sysadmin) on the serving partner to read LOGINPROPERTY(…, PasswordHash)',
        );
      statements.push(
        tsql`USE master; CREATE LOGIN ${name} WITH PASSWORD = ${secretHex(login.passwordHash)} HASHED, SID = ${hex(login.sid)}${defaultDatabase}`,
      );
    } else {
      statements.push(
        login.defaultDatabase
          ? tsql`USE master; CREATE LOGIN ${name} FROM WINDOWS WITH DEFAULT_DATABASE = ${defaultDatabaseName(login.defaultDatabase)}`
          : tsql`USE master; CREATE LOGIN ${name} FROM WINDOWS`,
      );
    }
    // Created as the source has it: one disabled there on purpose stays disabled here.
    if (login.disabled) statements.push(tsql`USE master; ALTER LOGIN ${name} DISABLE`);
  } else {
    if (problems.has('password') && login.passwordHash)
      statements.push(tsql`USE master; ALTER LOGIN ${name} WITH PASSWORD = ${secretHex(login.passwordHash)} HASHED`);
    if (problems.has('default-database') && login.defaultDatabase)
      statements.push(tsql`USE master; ALTER LOGIN ${name} WITH DEFAULT_DATABASE = ${defaultDatabaseName(login.defaultDatabase)}`);
    if (problems.has('disabled')) statements.push(tsql`USE master; ALTER LOGIN ${name} ENABLE`);
  }
  if (problems.has('missing') || problems.has('roles')) {
    for (const role of login.roles) statements.push(tsql`EXEC sp_addsrvrolemember ${lit(login.name)}, ${lit(role)}`);
  }
  return statements;
}

/** The partner the databases are readable on now: the one serving them, else (not mirrored yet)
 * the configured principal. */
export async function readablePartner(ctx: StepContext, databases: string[]): Promise<Partner> {
  for (const partner of ['principal', 'mirror'] as const) {
    const row = await readDatabase(ctx, partner, databases[0]!).catch((error: unknown) => {
      if (error instanceof ConnectionError && error.unreachable) return undefined;
      throw error;
    });
    if (row?.state_desc === 'ONLINE' && row.mirroring_role_desc !== 'MIRROR') return partner;
  }
  throw new CheckFailedError(
    `neither partner has ${databases[0]} ONLINE`,
    'the logins are read from the partner that serves the databases: bring it up (or promote the mirror) and run again',
  );
}

export const stepQuery =
  (ctx: StepContext): Query =>
  (target, statement) =>
    rows(ctx, target, statement);

export function syncLogins(databases: string[], target: Partner): StepDefinition {
  const plan = async (ctx: StepContext) => {
    const source = await readablePartner(ctx, databases);
    if (source === target) return { source, wanted: [], drift: [] as LoginDrift[] };
    const query = stepQuery(ctx);
    const wanted = await applicationLogins(query, source, databases);
    return { source, wanted, drift: loginDrift(wanted, await serverLogins(query, target)) };
  };
  const probe = async (ctx: StepContext) => {
    const { source, wanted, drift } = await plan(ctx);
    if (source === target) return { done: true, detail: `the ${target} serves the databases: its logins are the source` };
    return drift.length === 0
      ? { done: true, detail: `the ${target} has the ${wanted.length} login(s) the users of ${databases.join(', ')} map to, with the same SIDs` }
      : { done: false, detail: drift.map((d) => d.detail).join('; ') };
  };
  return {
    id: `sync-logins.${target}`,
    title: `Application logins on the ${target}: same SID, password, default database and server roles as where the databases are served`,
    target,
    probe,
    async apply(ctx) {
      const { source, wanted, drift } = await plan(ctx);
      const sidTaken = drift.filter((d) => d.problem === 'sid');
      if (sidTaken.length > 0) {
        throw new CheckFailedError(
          `${sidTaken.map((d) => d.detail).join('; ')} on the ${target}`,
          `a login of that name was created there by hand with its own SID. If nothing else uses it, DROP LOGIN it on the ${target} and run sync-logins again (it recreates it with the SID from the ${source}); nothing was changed`,
        );
      }
      for (const login of wanted) {
        const statements = fixes(login, drift);
        if (statements.length === 0) continue;
        ctx.note(
          `login ${login.name} on the ${target} (${drift
            .filter((d) => d.login === login.name)
            .map((d) => d.problem)
            .join(', ')}), as on the ${source}; users: ${login.users.join(', ')}`,
        );
        for (const statement of statements) await ctx.sql(target as SqlTarget, statement);
      }
    },
    verify: probe,
    plan: () => [
      {
        target,
        tsql: tsql`-- per login the users of the mirrored databases map to, missing or different here: CREATE LOGIN … WITH PASSWORD = 0x… HASHED, SID = 0x…, DEFAULT_DATABASE = … (Windows logins: FROM WINDOWS); ALTER LOGIN … (ENABLE where it is disabled here only); EXEC sp_addsrvrolemember …`,
      },
    ],
    script: () => ({
      statements: [],
      byHand: `the application logins the users of ${databases.join(', ')} map to must exist on the ${target} with the same SID and password hash before the steps after this one: run 'mirrorbook run sync-logins' at this point, or script each login on the serving partner (SID and LOGINPROPERTY(name, 'PasswordHash'), as Microsoft's sp_help_revlogin does) and run that on the ${target}`,
    }),
  };
}
