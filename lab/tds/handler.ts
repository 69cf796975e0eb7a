// The contract between the TDS wire layer (lab/tds/) and whatever answers the SQL (lab/server/).
// The wire layer knows packets, tokens and encodings; the handler knows T-SQL and instance state.
// Nothing here depends on either side's internals.

/** SQL Server column types the lab can put on the wire. Lengths follow SQL Server's declarations:
 * `length` is in characters for (n)(var)char, in bytes for (var)binary; -1 means MAX. */
export type SqlType =
  | { type: 'int' | 'smallint' | 'tinyint' | 'bigint' | 'bit' | 'float' | 'real' | 'datetime' | 'uniqueidentifier' }
  | { type: 'decimal' | 'numeric'; precision: number; scale: number }
  | { type: 'nvarchar' | 'varchar' | 'nchar' | 'char' | 'varbinary' | 'binary'; length: number }
  | { type: 'datetime2' | 'datetimeoffset'; scale: number };

export interface Column {
  name: string;
  sqlType: SqlType;
  nullable: boolean;
}

/** JS values per type: numbers for int/smallint/tinyint/float/real/decimal, bigint or string for
 * bigint, string for character types and uniqueidentifier, boolean for bit, Buffer for binary,
 * Date for date/time types (UTC), null for NULL. */
export type SqlValue = null | number | bigint | string | boolean | Buffer | Date;

export interface SqlMessage {
  number: number;
  state: number;
  /** Severity: ≤ 10 travels as an INFO token, ≥ 11 as an ERROR token. */
  class: number;
  message: string;
  /** 1-based line of the batch the statement started on. */
  line: number;
  procName?: string;
}

/** What a batch produces, in order. The wire layer turns each item into tokens and sets the
 * DONE MORE/FINAL bits itself, so a handler only says what happened. */
export type ResponseItem =
  | { kind: 'rows'; columns: Column[]; rows: SqlValue[][] }
  /** End of one statement. `rowCount` present ⇒ DONE_COUNT. `error` ⇒ DONE_ERROR. */
  | { kind: 'done'; command: 'select' | 'insert' | 'update' | 'delete' | 'execute' | 'other'; rowCount?: number; error?: boolean }
  | { kind: 'message'; message: SqlMessage }
  /** The session's database changed (USE …): ENVCHANGE type 1 with new and old names. */
  | { kind: 'database'; from: string; to: string }
  /** The final value of an OUTPUT parameter named in `BatchRequest.outputs` (sent as RETURNVALUE). */
  | { kind: 'output'; name: string; value: SqlValue };

export interface SessionInfo {
  /** Server process id shown in the packet header and in sys.dm_exec_sessions. */
  spid: number;
  login: string;
  hostName: string;
  appName: string;
  clientLibrary: string;
  /** Current database; the handler changes it through a `database` item. */
  database: string;
  /** Encryption in force for this connection: 'off', 'login-only', 'tls' (TLS in PRELOGIN), 'strict' (TDS 8.0). */
  encryption: 'off' | 'login-only' | 'tls' | 'strict';
  /** The TDS version the login negotiated (LOGINACK) and the packet size; set by the wire layer. */
  tdsVersion?: number;
  packetSize?: number;
}

export interface LoginRequest {
  user: string;
  password: string;
  database: string;
  hostName: string;
  appName: string;
  clientLibrary: string;
  serverName: string;
}

export type LoginResult =
  | { ok: true; spid: number; database: string; serverName: string; version: { major: number; minor: number; build: number } }
  /** `before`: messages sent ahead of the refusal (4060 "Cannot open database …"). */
  | { ok: false; error: SqlMessage; before?: SqlMessage[] };

export interface BatchRequest {
  session: SessionInfo;
  /** SQL text: the SQL_BATCH payload, or sp_executesql's @statement. */
  sql: string;
  /** sp_executesql parameters by name (with the '@'); empty for SQL_BATCH. */
  params: Map<string, SqlValue>;
  /** True when the request came as RPC (sp_executesql) — the response then ends with DONEPROC. */
  rpc: boolean;
  /** Parameters the client passed as OUTPUT: the handler emits an `output` item for each. */
  outputs?: string[];
  /** Aborted when the client sends ATTENTION or the connection drops. */
  signal: AbortSignal;
}

/** Implemented by the SQL side; one instance per simulated SQL Server instance. */
export interface SqlHandler {
  login(request: LoginRequest): LoginResult | Promise<LoginResult>;
  /** Runs a batch. `emit` may be called while the promise is pending (progress messages stream). */
  execute(request: BatchRequest, emit: (item: ResponseItem) => void): Promise<void>;
  /** Transaction-manager requests (mssql's sql.Transaction, ODBC's manual commit). */
  transaction(session: SessionInfo, op: 'begin' | 'commit' | 'rollback' | 'save'): SqlMessage | void;
  /** Optional: the client asked for a connection reset (RESETCONNECTION, e.g. a pooled connection
   * reused). The wire layer has already put `session.database` back to the login database. */
  reset?(session: SessionInfo): void;
  /** The client went away (or the instance dropped it). */
  disconnect(session: SessionInfo): void;
  /** Optional: the wire layer is closing a logged-in connection over a request past SQL Server's
   * batch size limit (65,536 × the packet size), which the client is never told. */
  oversizedRequest?(session: SessionInfo, bytes: number, limit: number, packetSize: number): void;
}
