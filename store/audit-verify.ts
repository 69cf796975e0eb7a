// Walks the audit chain once, in seq order, and names the first record that breaks it. With the
// store's key (audit.key) every record from the first keyed one on, and the head, must carry the
// key's HMAC: a chain rebuilt without the key fails even though every SHA-256 link holds.
import type Database from 'better-sqlite3';
import { GENESIS_HASH, KEYED, chainHash, chainedText, hasPidColumn, hasherOf, selectChain, type ChainRow } from './audit-chain.js';
import type { AuditProblem, AuditVerification } from './types.js';

const NEWLINE = 10;
const SEQ = 0;
const PREV_HASH = 1;
const HASH = 2;
const CANONICAL = 3;

interface Break {
  row: ChainRow;
  expectedSeq: number;
  expectedPrev: string;
}

export interface ChainWalk {
  /** The store's key; without it keyed records cannot be checked. */
  key?: Buffer;
  /** The walk's statement, given the expression that verifies each record in seq order: where it
   * also keeps what a later check needs of the verified records (store/audit-ties.ts). */
  statement?: (linked: string) => string;
}

export function readHead(db: Database.Database): { seq: number; hash: string } | undefined | null {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'").get();
  if (!table) return null;
  return db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
}

/** Per record, in seq order, SQLite builds the hashed text and JavaScript only hashes and compares:
 * a function called from the scan, not a row iterator, so no row array is made per record. It is
 * true for a record that links; at the first that does not it stops the scan by throwing STOP. */
const linked = (pidColumn: boolean) => `chain_link(seq, ${chainedText(pidColumn)}, hash)`;
const walkQuery = (link: string) => `SELECT seq FROM audit WHERE NOT ${link} ORDER BY seq LIMIT 1`;
const STOP = new Error('the chain walk stops at the first record that does not link');

type Link = (seq: number, text: string | null, hash: string | null) => 1;
const stopped: Link = () => {
  throw STOP;
};
/** The connection's chain_link function calls the walk in progress. */
const walks = new WeakMap<Database.Database, { link: Link }>();

function linkFunction(db: Database.Database): { link: Link } {
  let current = walks.get(db);
  if (!current) {
    const slot: { link: Link } = { link: stopped };
    db.function('chain_link', { deterministic: false, directOnly: true }, (seq, text, hash) =>
      // A hash that is not text (only an edit of the file stores one) is a break like a wrong one.
      slot.link(seq as number, typeof text === 'string' ? text : null, typeof hash === 'string' ? hash : null),
    );
    walks.set(db, slot);
    current = slot;
  }
  return current;
}

export function verifyChain(db: Database.Database, walk: ChainWalk = {}): AuditVerification {
  const head = readHead(db) ?? undefined;
  const { key, statement = walkQuery } = walk;
  const pidColumn = hasPidColumn(db);
  const sha256 = hasherOf();
  const hmac = key ? hasherOf(key) : undefined;
  let count = 0;
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let brokenAt: number | undefined;
  let beyondHead: number | undefined;
  let firstKeyed: number | undefined;
  let unsigned: { seq: number; detail: string } | undefined;
  const slot = linkFunction(db);
  slot.link = (seq, text, hash) => {
    if (head && seq > head.seq) {
      beyondHead = seq;
      throw STOP;
    }
    const keyed = hash !== null && hash.startsWith(KEYED);
    if (keyed && !hmac) {
      unsigned = { seq, detail: `records from seq ${seq} on are signed with the audit key; give audit.key (the same file: or env: source) to check them` };
      throw STOP;
    }
    const at = expectedPrev.length;
    if (
      text === null ||
      hash === null ||
      seq !== expectedSeq ||
      !text.startsWith(expectedPrev) ||
      text.charCodeAt(at) !== NEWLINE ||
      (keyed ? hmac! : sha256)(text) !== hash
    ) {
      brokenAt = seq;
      throw STOP;
    }
    if (keyed) firstKeyed ??= seq;
    else if (firstKeyed !== undefined) {
      unsigned = {
        seq,
        detail: `record ${seq} is not signed with the audit key although record ${firstKeyed} before it is: the chain was rebuilt without the key`,
      };
      throw STOP;
    }
    count += 1;
    expectedPrev = hash;
    expectedSeq = seq + 1;
    return 1;
  };
  try {
    const scan = db.prepare(statement(linked(pidColumn)));
    if (scan.reader) scan.get();
    else scan.run();
  } catch (error) {
    if (error !== STOP) throw error;
  } finally {
    slot.link = stopped;
  }
  const at = head ? { seq: head.seq, hash: head.hash } : { seq: expectedSeq - 1, hash: expectedPrev };
  if (unsigned) return bad(count, at, unsigned.seq, 'unsigned', unsigned.detail);
  if (beyondHead !== undefined) {
    return bad(count, at, beyondHead, 'inserted', `record ${beyondHead} comes after the last record the store wrote (seq ${head!.seq})`);
  }
  if (brokenAt !== undefined) {
    const row = db
      .prepare(`${selectChain(pidColumn)} WHERE seq = ?`)
      .raw()
      .get(brokenAt) as ChainRow;
    return diagnose(db, count, at, { row, expectedSeq, expectedPrev }, key);
  }
  const lastSeq = expectedSeq - 1;
  if (!head && lastSeq > 0) {
    return bad(
      count,
      at,
      lastSeq + 1,
      'deleted',
      `the chain head (the store's note of its last record) is gone, so records after seq ${lastSeq} may have been cut off`,
    );
  }
  if (head && head.seq > lastSeq) {
    return bad(count, at, lastSeq + 1, 'deleted', `the chain ends at seq ${lastSeq} but the store wrote up to seq ${head.seq}`);
  }
  if (head && head.hash !== expectedPrev) {
    return bad(count, at, lastSeq, 'edited', `record ${lastSeq} does not match the hash the store recorded when it wrote it`);
  }
  if (key && lastSeq > 0 && !expectedPrev.startsWith(KEYED)) {
    return bad(
      count,
      at,
      lastSeq,
      'unsigned',
      `the last record (seq ${lastSeq}) is not signed with the audit key: the chain was rebuilt without the key, or nothing was written since the key was configured`,
    );
  }
  return { ok: true, count, head: at };
}

function diagnose(
  db: Database.Database,
  count: number,
  at: { seq: number; hash: string },
  { row, expectedSeq, expectedPrev }: Break,
  key: Buffer | undefined,
): AuditVerification {
  const seq = row[SEQ];
  // The schema says NOT NULL TEXT, but whoever edits the file can store anything: a break, not a crash.
  const hash = typeof row[HASH] === 'string' ? row[HASH] : '';
  const selfValid = chainHash(row[PREV_HASH], row[CANONICAL], hash.startsWith(KEYED) ? key : undefined) === hash;
  if (row[PREV_HASH] === expectedPrev) {
    const what = seq !== expectedSeq ? `its seq was changed to ${seq}` : 'its content no longer matches its hash';
    return bad(count, at, expectedSeq, 'edited', `record ${expectedSeq}: ${what}`);
  }
  const predecessor = db.prepare('SELECT seq FROM audit WHERE hash = ? LIMIT 1').pluck().get(row[PREV_HASH]) as number | undefined;
  if (predecessor !== undefined && predecessor > seq) {
    return bad(count, at, seq, 'reordered', `record at seq ${seq} was written after record ${predecessor} but now precedes it`);
  }
  if (predecessor !== undefined && predecessor < expectedSeq - 1) {
    return bad(
      count,
      at,
      predecessor + 1,
      'inserted',
      `records after seq ${predecessor} are not part of the chain: record at seq ${seq} was written right after ${predecessor}`,
    );
  }
  if (predecessor === undefined && selfValid && seq > expectedSeq) {
    const missing = seq - expectedSeq === 1 ? `record ${expectedSeq} is` : `records ${expectedSeq}–${seq - 1} are`;
    return bad(count, at, expectedSeq, 'deleted', `${missing} missing: record ${seq} was written after a record that is gone`);
  }
  if (predecessor === undefined && selfValid) {
    return bad(count, at, seq, 'deleted', `the record written before seq ${seq} is missing`);
  }
  return bad(count, at, seq, 'edited', `record ${seq}: its link to the previous record was changed`);
}

function bad(count: number, head: { seq: number; hash: string }, seq: number, problem: AuditProblem, detail: string): AuditVerification {
  return { ok: false, count, head, firstBad: { seq, problem, detail } };
}
