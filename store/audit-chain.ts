// The pure part of the audit trail: each record's hash covers the previous record's hash and a
// canonical serialisation of every one of its fields, so any edit, deletion, insertion or
// reordering breaks a link. The canonical form is SQLite's json_array() of the stored fields:
// it is exactly what a later read of the row gives (text goes through UTF-8 both ways), and
// building it in SQLite halves the cost of verifying a million records.
import type Database from 'better-sqlite3';
import { hash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** Every field the hash covers, in hashing order, then the two chain fields, then the pid of the
 * writing process (schema 9), hashed after the others. `data` is JSON text. */
export const AUDIT_COLUMNS = [
  'seq',
  'ts',
  'run_id',
  'kind',
  'operator',
  'os_user',
  'host',
  'target',
  'server',
  'step_id',
  'attempt',
  'sql',
  'result',
  'error_number',
  'message',
  'data',
  'prev_hash',
  'hash',
  'pid',
] as const;

const HASHED_COLUMNS = AUDIT_COLUMNS.slice(0, 16);
/** A record written before schema 9 has no pid and was hashed without one: its canonical form
 * stays what it was, so old chains verify; a record with a pid has it hashed as a 17th field (and
 * blanking it breaks the link like any other edit). A store verified as an older build left it
 * (never migrated) may have no pid column at all. */
const canonical = (pidColumn: boolean): string =>
  pidColumn
    ? `CASE WHEN pid IS NULL THEN json_array(${HASHED_COLUMNS.join(', ')}) ELSE json_array(${HASHED_COLUMNS.join(', ')}, pid) END`
    : `json_array(${HASHED_COLUMNS.join(', ')})`;
export const SELECT_AUDIT = `SELECT ${AUDIT_COLUMNS.join(', ')} FROM audit`;

/** Whether the audit table has the pid column (schema 9 on). */
export const hasPidColumn = (db: Database.Database): boolean => db.prepare("SELECT 1 FROM pragma_table_info('audit') WHERE name = 'pid'").get() !== undefined;

/** seq, prev_hash, hash and the canonical fields of the records selected. */
export const selectChain = (pidColumn: boolean): string => `SELECT seq, prev_hash, hash, ${canonical(pidColumn)} FROM audit`;

/** The text a record's hash covers, built by SQLite: prev_hash, a newline, the canonical fields.
 * NULL when prev_hash holds a newline (only an edit puts one there): so a text that starts with
 * the expected hash followed by a newline has exactly that prev_hash. */
export const chainedText = (pidColumn: boolean): string => `CASE WHEN instr(prev_hash, char(10)) = 0 THEN prev_hash || char(10) || ${canonical(pidColumn)} END`;

/** One NDJSON line per record, built by SQLite: the same object JSON.stringify(AuditRecord) gives. */
export const SELECT_AUDIT_JSON = `SELECT json_object('seq', seq, 'ts', ts, 'runId', run_id, 'kind', kind, 'operator', operator,
  'osUser', os_user, 'host', host, 'target', target, 'server', server, 'stepId', step_id, 'attempt', attempt, 'sql', sql,
  'result', result, 'errorNumber', error_number, 'message', message, 'data', json(data), 'prevHash', prev_hash, 'hash', hash, 'pid', pid)
  FROM audit`;

/** RFC 4180 field: quoted (quotes doubled) when it holds a quote, comma, CR or LF; NULL is empty.
 * Numbers and hashes never need quoting. */
const UNQUOTED = new Set<string>(['seq', 'ts', 'attempt', 'error_number', 'prev_hash', 'hash', 'pid']);
const NEEDS_QUOTES = `'*[",' || char(10) || char(13) || ']*'`;
const csvField = (column: string) =>
  UNQUOTED.has(column)
    ? `coalesce(${column}, '')`
    : `CASE WHEN ${column} IS NULL THEN '' WHEN ${column} GLOB ${NEEDS_QUOTES} THEN '"' || replace(${column}, '"', '""') || '"' ELSE ${column} END`;

/** One CSV line per record (without its CRLF), columns in AUDIT_COLUMNS order, built by SQLite. */
export const SELECT_AUDIT_CSV = `SELECT ${AUDIT_COLUMNS.map(csvField).join(" || ',' || ")} FROM audit`;

export type AuditRow = [
  seq: number,
  ts: string,
  runId: string | null,
  kind: string,
  operator: string,
  osUser: string,
  host: string,
  target: string | null,
  server: string | null,
  stepId: string | null,
  attempt: number | null,
  sql: string | null,
  result: string | null,
  errorNumber: number | null,
  message: string | null,
  data: string | null,
  prevHash: string,
  hash: string,
  pid: number | null,
];
export const PREV_HASH = 16;
export const HASH = 17;
export const PID = 18;

/** What verify reads per record: seq, prev_hash, hash and the canonical JSON of the hashed fields. */
export type ChainRow = [seq: number, prevHash: string, hash: string, canonical: string];

/** Marks a record hashed with the store's key (audit.key): HMAC-SHA-256 instead of SHA-256, so a
 * chain rebuilt by someone without the key does not verify. */
export const KEYED = 'hmac:';

export function chainHash(prevHash: string, canonical: string, key?: Buffer): string {
  return hasherOf(key)(`${prevHash}\n${canonical}`);
}

/** Hashes a record's chained text (previous hash, newline, canonical fields). */
export type ChainHasher = (text: string) => string;

const SHA256_BLOCK = 64;
const SHA256_BYTES = 32;
const hashers = new WeakMap<Buffer, ChainHasher>();
const sha256Hex: ChainHasher = (text) => hash('sha256', text);

/** The chain's hash function: SHA-256, or with a key HMAC-SHA-256 (RFC 2104) from two one-shot
 * SHA-256 calls over the padded key in buffers made once per key — createHmac makes a new object
 * per record and costs three times as much (7 µs), seven seconds at a million keyed records. The
 * digest is createHmac's (test/store/audit-chain-hmac-equals-createhmac.test.ts). */
export function hasherOf(key?: Buffer): ChainHasher {
  if (!key) return sha256Hex;
  const known = hashers.get(key);
  if (known) return known;
  const block = Buffer.alloc(SHA256_BLOCK);
  (key.length > SHA256_BLOCK ? hash('sha256', key, 'buffer') : key).copy(block);
  const outer = Buffer.alloc(SHA256_BLOCK + SHA256_BYTES);
  let inner = Buffer.alloc(SHA256_BLOCK + 1024);
  for (let i = 0; i < SHA256_BLOCK; i++) {
    inner[i] = block[i]! ^ 0x36;
    outer[i] = block[i]! ^ 0x5c;
  }
  const hmac: ChainHasher = (text) => {
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (SHA256_BLOCK + text.length * 3 > inner.length) {
      const grown = Buffer.alloc(SHA256_BLOCK + text.length * 3);
      inner.copy(grown, 0, 0, SHA256_BLOCK);
      inner = grown;
    }
    const length = SHA256_BLOCK + inner.write(text, SHA256_BLOCK, 'utf8');
    hash('sha256', inner.subarray(0, length), 'buffer').copy(outer, SHA256_BLOCK);
    return KEYED + hash('sha256', outer, 'hex');
  };
  hashers.set(key, hmac);
  return hmac;
}

/** The fields a row's hash covers, in order (the pid only when the record has one). */
export function hashedFields(row: readonly unknown[]): unknown[] {
  const pid = row[PID];
  return pid === null || pid === undefined ? row.slice(0, HASHED_COLUMNS.length) : [...row.slice(0, HASHED_COLUMNS.length), pid];
}

const canonicalQueries = new WeakMap<Database.Database, Map<number, Database.Statement>>();

/** The hash a full row must carry (its `hash` field is ignored), canonicalised by `db`. */
export function hashOf(db: Database.Database, row: readonly unknown[], key?: Buffer): string {
  // JS numbers bind as REAL; integer columns store them as INTEGER, so bind integers as such.
  const fields = hashedFields(row).map((v) => (typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : v));
  const queries = canonicalQueries.get(db) ?? new Map<number, Database.Statement>();
  canonicalQueries.set(db, queries);
  let query = queries.get(fields.length);
  if (!query) {
    query = db.prepare(`SELECT json_array(${fields.map(() => '?').join(', ')})`).pluck();
    queries.set(fields.length, query);
  }
  return chainHash(row[PREV_HASH] as string, query.get(fields) as string, key);
}
