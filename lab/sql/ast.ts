// The T-SQL syntax tree the lab understands. lab/sql/parse.ts produces it; lab/server, lab/storage,
// lab/mirroring and lab/instance execute it. Stable contract: fields are added, never renamed.
//
// Conventions
//   - Every statement carries the 1-based `line` of the batch it starts on (for ERROR/INFO tokens).
//   - Identifiers are unquoted strings ([x], "x" and x all give `x`); compare them case-insensitively.
//   - Multi-part names are arrays in written order: msdb.dbo.backupset → ['msdb', 'dbo', 'backupset'].
//   - Keyword-valued options are upper-cased ('STARTED', 'FULL', 'AES' …).
//   - String literals are decoded ('' → '), binary literals are Buffers, numbers are numbers.
//   - Variables keep their sigils: '@db', '@@SERVERNAME'.

/** A type as written: `nvarchar(128)` → { name: 'nvarchar', params: [128] }, `varbinary(max)` →
 * { name: 'varbinary', params: ['max'] }. Name lower-cased. See types.ts for the SqlType. */
export interface DataType {
  name: string;
  params: (number | 'max')[];
}

// ------------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | { kind: 'string'; value: string; unicode: boolean }
  /** `integer` distinguishes 42 (int / bigint) from 4.2 (numeric); `scale` is the digits written
   * after the point (10.50 → 2), absent for integers and 1e5-style floats. */
  | { kind: 'number'; value: number; integer: boolean; scale?: number }
  | { kind: 'binary'; value: Buffer }
  | { kind: 'null' }
  /** A column reference, 1–4 parts: name, alias.name, schema.table.name … */
  | { kind: 'column'; parts: string[] }
  /** '@name' or '@@NAME' (as written; compare case-insensitively). */
  | { kind: 'variable'; name: string }
  | { kind: 'unary'; op: '-' | '+' | '~'; operand: Expr }
  | { kind: 'arithmetic'; op: '+' | '-' | '*' | '/' | '%'; left: Expr; right: Expr }
  | { kind: 'comparison'; op: '=' | '<>' | '<' | '>' | '<=' | '>='; left: Expr; right: Expr }
  | { kind: 'and'; left: Expr; right: Expr }
  | { kind: 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'isNull'; operand: Expr; negated: boolean }
  | { kind: 'in'; operand: Expr; list: Expr[]; negated: boolean }
  | { kind: 'inSelect'; operand: Expr; query: SelectStatement; negated: boolean }
  | { kind: 'like'; operand: Expr; pattern: Expr; escape?: Expr; negated: boolean }
  | { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'exists'; query: SelectStatement }
  /** A scalar subquery: (SELECT …). */
  | { kind: 'subquery'; query: SelectStatement }
  /** Simple CASE has an `operand`; searched CASE does not. */
  | { kind: 'case'; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr }
  | { kind: 'cast'; operand: Expr; type: DataType }
  | { kind: 'convert'; type: DataType; operand: Expr; style?: Expr }
  /** A function call. `name` is the last part as written (case-insensitive); `schema` holds any
   * earlier parts (dbo.fn → ['dbo']). COUNT(*) has `star`; COUNT(DISTINCT x) has `distinct`. */
  | { kind: 'call'; name: string; schema: string[]; args: Expr[]; star: boolean; distinct: boolean }
  /** A bare keyword argument such as the datepart of DATEADD(day, …), lower-cased. */
  | { kind: 'keyword'; word: string };

// ------------------------------------------------------------------------------------------------
// SELECT

export type SelectItem =
  /** `alias` from `expr AS x`, `expr x`, `x = expr`, `expr 'x'` or `'x' = expr`. */
  | { kind: 'expr'; expr: Expr; alias?: string }
  /** `*` (no qualifier) or `t.*` (qualifier ['t']). */
  | { kind: 'star'; qualifier?: string[] }
  /** `SELECT @v = expr` — sets a variable instead of returning a column. */
  | { kind: 'assign'; variable: string; expr: Expr };

export interface TableRef {
  /** 1–3 (or 4) parts: ['sys', 'databases'], ['master', 'sys', 'certificates']. */
  name: string[];
  alias?: string;
  /** A table-valued function's arguments (sys.dm_os_volume_stats(f.database_id, f.file_id)); the
   * function's relation lists every row, its leading columns being its parameters. */
  args?: Expr[];
}

export interface Join {
  /** CROSS APPLY is INNER and OUTER APPLY is LEFT, matched on the function's arguments. */
  type: 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';
  table: TableRef;
  /** Absent for CROSS JOIN and for comma-separated sources. */
  on?: Expr;
}

export interface OrderItem {
  expr: Expr;
  descending: boolean;
}

export interface SelectStatement {
  kind: 'select';
  line: number;
  distinct: boolean;
  top?: Expr;
  items: SelectItem[];
  from?: TableRef;
  joins: Join[];
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  /** With `unions`, orders the combined result (by output column name, alias or ordinal). */
  orderBy: OrderItem[];
  /** `… UNION [ALL] SELECT …`: the further members, in order (each without ORDER BY). */
  unions?: { all: boolean; query: SelectStatement }[];
}

// ------------------------------------------------------------------------------------------------
// Session, variables, control flow

export interface UseStatement {
  kind: 'use';
  line: number;
  database: string;
}

/** Any SET <session option>: `SET ANSI_NULLS ON` → options ['ANSI_NULLS'], value 'ON';
 * `SET TRANSACTION ISOLATION LEVEL READ COMMITTED` → options ['TRANSACTION ISOLATION LEVEL'],
 * value 'READ COMMITTED'; `SET QUOTED_IDENTIFIER, ANSI_NULLS ON` → two options; `SET TEXTSIZE
 * 2147483647` → value '2147483647'; `SET DATEFORMAT mdy` → value 'MDY'. Upper-cased. */
export interface SetOptionStatement {
  kind: 'setOption';
  line: number;
  options: string[];
  value: string;
}

export interface DeclareStatement {
  kind: 'declare';
  line: number;
  variables: { name: string; type: DataType; init?: Expr }[];
}

export interface SetVariableStatement {
  kind: 'setVariable';
  line: number;
  name: string;
  value: Expr;
}

export interface PrintStatement {
  kind: 'print';
  line: number;
  value: Expr;
}

/** `IF [NOT] EXISTS (…)` arrives as condition { kind: 'exists' } (wrapped in 'not'). */
export interface IfStatement {
  kind: 'if';
  line: number;
  condition: Expr;
  then: Statement;
  else?: Statement;
}

export interface BlockStatement {
  kind: 'block';
  line: number;
  statements: Statement[];
}

/** BEGIN TRY … END TRY BEGIN CATCH … END CATCH (learn.microsoft.com/sql/t-sql/language-elements/try-catch-transact-sql). */
export interface TryCatchStatement {
  kind: 'tryCatch';
  line: number;
  tryBlock: Statement[];
  catchBlock: Statement[];
}

/** WHILE condition statement (learn.microsoft.com/sql/t-sql/language-elements/while-transact-sql);
 * BREAK and CONTINUE are not simulated (Msg 102). */
export interface WhileStatement {
  kind: 'while';
  line: number;
  condition: Expr;
  body: Statement;
}

/** WAITFOR DELAY 'hh:mm[:ss[.mmm]]' or WAITFOR TIME '…'; `value` is a string literal or a variable. */
export interface WaitforStatement {
  kind: 'waitfor';
  line: number;
  mode: 'DELAY' | 'TIME';
  value: Expr;
}

/** One EXEC argument: `value` null means DEFAULT. Bare identifiers (EXEC p Patriot) are strings. */
export interface ExecArgument {
  name?: string;
  value: Expr | null;
  output: boolean;
}

export interface ExecStatement {
  kind: 'exec';
  line: number;
  /** ['msdb', 'dbo', 'sp_dbmmonitorresults'], ['sp_addsrvrolemember'] … */
  procedure: string[];
  args: ExecArgument[];
  /** EXEC @rc = proc … */
  returnVariable?: string;
}

export interface TransactionStatement {
  kind: 'transaction';
  line: number;
  action: 'BEGIN' | 'COMMIT' | 'ROLLBACK' | 'SAVE';
  name?: string;
}

// ------------------------------------------------------------------------------------------------
// Master key and certificates

export interface CreateMasterKeyStatement {
  kind: 'createMasterKey';
  line: number;
  password: string;
}
export interface DropMasterKeyStatement {
  kind: 'dropMasterKey';
  line: number;
}
export interface OpenMasterKeyStatement {
  kind: 'openMasterKey';
  line: number;
  password: string;
}
export interface CloseMasterKeyStatement {
  kind: 'closeMasterKey';
  line: number;
}

/** WITH PRIVATE KEY ( … ) when importing a certificate. */
export interface PrivateKeyImport {
  file?: string;
  binary?: Buffer;
  decryptionPassword?: string;
  encryptionPassword?: string;
}

export type CertificateSource =
  /** A new self-signed certificate. Dates are the strings as written (interpreted as UTC). */
  | { kind: 'new'; encryptionPassword?: string; subject: string; startDate?: string; expiryDate?: string }
  | { kind: 'file'; path: string; privateKey?: PrivateKeyImport }
  | { kind: 'binary'; data: Buffer; privateKey?: PrivateKeyImport };

export interface CreateCertificateStatement {
  kind: 'createCertificate';
  line: number;
  name: string;
  authorization?: string;
  source: CertificateSource;
  activeForBeginDialog?: boolean;
}

export interface BackupCertificateStatement {
  kind: 'backupCertificate';
  line: number;
  name: string;
  file: string;
  privateKey?: { file: string; encryptionPassword: string; decryptionPassword?: string };
}

export interface DropCertificateStatement {
  kind: 'dropCertificate';
  line: number;
  name: string;
}

// ------------------------------------------------------------------------------------------------
// Endpoints

export type EndpointState = 'STARTED' | 'STOPPED' | 'DISABLED';

/** In the order written, which is the order tried. Plain WINDOWS is NEGOTIATE. */
export type EndpointAuthentication = { kind: 'WINDOWS'; protocol: 'NTLM' | 'KERBEROS' | 'NEGOTIATE' } | { kind: 'CERTIFICATE'; certificate: string };

export interface EndpointEncryption {
  mode: 'DISABLED' | 'SUPPORTED' | 'REQUIRED';
  /** As written; absent when no ALGORITHM clause (the version default applies). */
  algorithms?: ('AES' | 'RC4')[];
}

export interface MirroringEndpointOptions {
  authentication?: EndpointAuthentication[];
  encryption?: EndpointEncryption;
  role?: 'WITNESS' | 'PARTNER' | 'ALL';
}

export interface TcpOptions {
  port?: number;
  /** 'ALL' or the address inside the parentheses ('10.0.0.5', '::1'). */
  ip?: string;
}

export interface CreateEndpointStatement {
  kind: 'createEndpoint';
  line: number;
  name: string;
  authorization?: string;
  state?: EndpointState;
  tcp: TcpOptions & { port: number };
  mirroring: MirroringEndpointOptions;
}

export interface AlterEndpointStatement {
  kind: 'alterEndpoint';
  line: number;
  name: string;
  state?: EndpointState;
  tcp?: TcpOptions;
  mirroring?: MirroringEndpointOptions;
}

export interface DropEndpointStatement {
  kind: 'dropEndpoint';
  line: number;
  name: string;
}

// ------------------------------------------------------------------------------------------------
// Logins, users, permissions, roles

export interface LoginOptions {
  checkPolicy?: boolean;
  checkExpiration?: boolean;
  defaultDatabase?: string;
  defaultLanguage?: string;
  /** SID = 0x… (SQL logins only): recreates a login with the SID another server gave it. */
  sid?: Buffer;
}

export type LoginSource =
  /** PASSWORD = 'text', or PASSWORD = 0x… HASHED (the hash LOGINPROPERTY(…, 'PasswordHash') gave). */
  | { kind: 'password'; password: string | { hashed: Buffer }; options: LoginOptions }
  | { kind: 'windows'; options: LoginOptions }
  | { kind: 'certificate'; certificate: string };

export interface CreateLoginStatement {
  kind: 'createLogin';
  line: number;
  name: string;
  source: LoginSource;
}

export type AlterLoginAction =
  | { kind: 'enable' }
  | { kind: 'disable' }
  /** ALTER LOGIN x WITH PASSWORD = '…' [OLD_PASSWORD = '…'] [, CHECK_POLICY = …] [, NAME = …] */
  | { kind: 'with'; password?: string | { hashed: Buffer }; oldPassword?: string; newName?: string; options: LoginOptions };

export interface AlterLoginStatement {
  kind: 'alterLogin';
  line: number;
  name: string;
  action: AlterLoginAction;
}
export interface DropLoginStatement {
  kind: 'dropLogin';
  line: number;
  name: string;
}

export type UserSource =
  | { kind: 'login'; login: string }
  | { kind: 'withoutLogin' }
  /** CREATE USER x — maps to the login of the same name. */
  | { kind: 'implicit' };

export interface CreateUserStatement {
  kind: 'createUser';
  line: number;
  name: string;
  source: UserSource;
  defaultSchema?: string;
}
export interface DropUserStatement {
  kind: 'dropUser';
  line: number;
  name: string;
}

/** GRANT | DENY | REVOKE. `permissions` upper-cased, words joined by one space: 'CONNECT',
 * 'CONNECT SQL', 'ALTER ANY ENDPOINT'. `on` is absent for server/database-scope permissions;
 * `ON ENDPOINT::Endpoint_Mirroring` → { class: 'ENDPOINT', name: ['Endpoint_Mirroring'] }. */
export interface PermissionStatement {
  kind: 'permission';
  line: number;
  action: 'GRANT' | 'DENY' | 'REVOKE';
  permissions: string[];
  on?: { class: string; name: string[] };
  principals: string[];
  withGrantOption: boolean;
  grantOptionFor: boolean;
  cascade: boolean;
  as?: string;
}

export interface AlterServerRoleStatement {
  kind: 'alterServerRole';
  line: number;
  role: string;
  action: 'ADD' | 'DROP';
  member: string;
}

/** ALTER ROLE role ADD | DROP MEMBER user (a database role). */
export interface AlterRoleStatement {
  kind: 'alterRole';
  line: number;
  role: string;
  action: 'ADD' | 'DROP';
  member: string;
}

// ------------------------------------------------------------------------------------------------
// Databases, mirroring options

export interface FileSpec {
  logicalName: string;
  fileName: string;
}

/** `CREATE DATABASE name [ON (NAME = logical, FILENAME = 'path') [, …] AS SNAPSHOT OF source]`, or
 * with its files: `ON [PRIMARY] (…) [, …] [, FILEGROUP fg CONTAINS FILESTREAM (…) [, …]] LOG ON (…) [, …]`. */
export interface CreateDatabaseStatement {
  kind: 'createDatabase';
  line: number;
  name: string;
  snapshot?: { source: string; files: FileSpec[] };
  files?: { data: FileSpec[]; filestream?: { filegroup: string; files: FileSpec[] }; log: FileSpec[] };
}
/** `RECONFIGURE [WITH OVERRIDE]`: sp_configure's changes take effect. */
export interface ReconfigureStatement {
  kind: 'reconfigure';
  line: number;
}
/** `CREATE DATABASE ENCRYPTION KEY WITH ALGORITHM = … ENCRYPTION BY SERVER CERTIFICATE name` (in the current database). */
export interface CreateDatabaseEncryptionKeyStatement {
  kind: 'createDatabaseEncryptionKey';
  line: number;
  algorithm: 'AES_128' | 'AES_192' | 'AES_256' | 'TRIPLE_DES_3KEY';
  certificate: string;
}
export interface DropDatabaseEncryptionKeyStatement {
  kind: 'dropDatabaseEncryptionKey';
  line: number;
}
export interface DropDatabaseStatement {
  kind: 'dropDatabase';
  line: number;
  names: string[];
  ifExists: boolean;
}

export type AlterDatabaseAction =
  | { kind: 'recovery'; model: 'FULL' | 'SIMPLE' | 'BULK_LOGGED' }
  /** SET PARTNER = 'TCP://host:port' */
  | { kind: 'partner'; address: string }
  | { kind: 'partnerOption'; option: 'FAILOVER' | 'FORCE_SERVICE_ALLOW_DATA_LOSS' | 'OFF' | 'RESUME' | 'SUSPEND' }
  | { kind: 'partnerSafety'; safety: 'FULL' | 'OFF' }
  | { kind: 'partnerTimeout'; seconds: number }
  /** SET WITNESS = 'TCP://host:port' */
  | { kind: 'witness'; address: string }
  | { kind: 'witnessOff' }
  | { kind: 'state'; state: 'ONLINE' | 'OFFLINE' | 'EMERGENCY' }
  | { kind: 'userAccess'; access: 'SINGLE_USER' | 'RESTRICTED_USER' | 'MULTI_USER' }
  /** SET ENCRYPTION ON | OFF (Transparent Data Encryption). */
  | { kind: 'encryption'; on: boolean };

export type Termination = { kind: 'rollbackImmediate' } | { kind: 'rollbackAfter'; seconds: number } | { kind: 'noWait' };

export interface AlterDatabaseStatement {
  kind: 'alterDatabase';
  line: number;
  /** The database name; 'CURRENT' is kept as written for ALTER DATABASE CURRENT. */
  name: string;
  action: AlterDatabaseAction;
  termination?: Termination;
}

// ------------------------------------------------------------------------------------------------
// Backup and restore

export interface BackupOptions {
  /** INIT → true, NOINIT → false, absent → default (NOINIT). */
  init?: boolean;
  format?: boolean;
  checksum?: boolean;
  compression?: boolean;
  copyOnly?: boolean;
  /** STATS without a value is 10. */
  stats?: number;
  name?: string;
  description?: string;
  /** BACKUP LOG … WITH NORECOVERY (tail-log backup). */
  noRecovery?: boolean;
}

export interface BackupStatement {
  kind: 'backup';
  line: number;
  target: 'DATABASE' | 'LOG';
  database: string;
  /** TO DISK = '…' [, DISK = '…'] paths, in order. */
  disks: string[];
  options: BackupOptions;
}

export interface RestoreOptions {
  recovery?: 'RECOVERY' | 'NORECOVERY' | 'STANDBY';
  standbyFile?: string;
  replace?: boolean;
  moves: { logicalName: string; physicalName: string }[];
  /** WITH FILE = n (1-based position in the media). */
  file?: number;
  /** STATS without a value is 10. */
  stats?: number;
  checksum?: boolean;
}

export interface RestoreStatement {
  kind: 'restore';
  line: number;
  target: 'DATABASE' | 'LOG';
  database: string;
  /** Empty for RESTORE DATABASE x WITH RECOVERY (no FROM). */
  disks: string[];
  options: RestoreOptions;
}

export interface RestoreInfoStatement {
  kind: 'restoreInfo';
  line: number;
  what: 'FILELISTONLY' | 'HEADERONLY' | 'VERIFYONLY' | 'LABELONLY';
  disks: string[];
  file?: number;
  checksum?: boolean;
}

// ------------------------------------------------------------------------------------------------

/** CREATE TABLE name (column type [NULL | NOT NULL], …): columns only, no constraints. */
export interface CreateTableStatement {
  kind: 'createTable';
  line: number;
  table: string[];
  columns: { name: string; type: DataType; nullable: boolean }[];
}

/** ALTER TABLE name ADD column type [NULL | NOT NULL][, …]: columns only. */
export interface AlterTableAddStatement {
  kind: 'alterTableAdd';
  line: number;
  table: string[];
  columns: { name: string; type: DataType; nullable: boolean }[];
}

/** DROP TABLE name */
export interface DropTableStatement {
  kind: 'dropTable';
  line: number;
  table: string[];
}

/** INSERT [INTO] name (columns) VALUES (…)[, (…)] */
export interface InsertStatement {
  kind: 'insert';
  line: number;
  table: string[];
  columns: string[];
  rows: Expr[][];
}

/** RAISERROR (msg, severity, state [, args …]) [WITH LOG | NOWAIT | SETERROR …] */
export interface RaiserrorStatement {
  kind: 'raiserror';
  line: number;
  message: Expr;
  severity: Expr;
  state: Expr;
  args: Expr[];
  options: ('LOG' | 'NOWAIT' | 'SETERROR')[];
}

/** THROW [number, message, state] */
export interface ThrowStatement {
  kind: 'throw';
  line: number;
  error?: { number: Expr; message: Expr; state: Expr };
}

export type Statement =
  | SelectStatement
  | RaiserrorStatement
  | ThrowStatement
  | CreateTableStatement
  | AlterTableAddStatement
  | DropTableStatement
  | InsertStatement
  | UseStatement
  | SetOptionStatement
  | DeclareStatement
  | SetVariableStatement
  | PrintStatement
  | IfStatement
  | BlockStatement
  | TryCatchStatement
  | WhileStatement
  | WaitforStatement
  | ExecStatement
  | TransactionStatement
  | CreateMasterKeyStatement
  | DropMasterKeyStatement
  | OpenMasterKeyStatement
  | CloseMasterKeyStatement
  | CreateCertificateStatement
  | BackupCertificateStatement
  | DropCertificateStatement
  | CreateEndpointStatement
  | AlterEndpointStatement
  | DropEndpointStatement
  | CreateLoginStatement
  | AlterLoginStatement
  | DropLoginStatement
  | CreateUserStatement
  | DropUserStatement
  | PermissionStatement
  | AlterServerRoleStatement
  | AlterRoleStatement
  | CreateDatabaseStatement
  | CreateDatabaseEncryptionKeyStatement
  | DropDatabaseEncryptionKeyStatement
  | ReconfigureStatement
  | DropDatabaseStatement
  | AlterDatabaseStatement
  | BackupStatement
  | RestoreStatement
  | RestoreInfoStatement;

export type StatementKind = Statement['kind'];
export type StatementOf<K extends StatementKind> = Extract<Statement, { kind: K }>;
