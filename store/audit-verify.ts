// Walks the audit chain once, in seq order, and names the first record that breaks it. With the
// store's key (audit.key) every record from the first keyed one on, and the head, must carry the
// key's HMAC: a chain rebuilt without the key fails even though every SHA-256 link holds.
import type Database from 'better-sqlite3';
import { GENESIS_HASH, KEYED, SELECT_CHAIN, chainHash, type ChainRow } from './audit-chain.js';
import type { AuditProblem, AuditVerification } from './types.js';

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
}

export function readHead(db: Database.Database): { seq: number; hash: string } | undefined | null {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'").get();
  if (!table) return null;
  return db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
}

export function verifyChain(db: Database.Database, walk: ChainWalk = {}): AuditVerification {
  const head = readHead(db) ?? undefined;
  const key = walk.key;
  let count = 0;
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let broken: Break | undefined;
  let beyondHead: ChainRow | undefined;
  let firstKeyed: number | undefined;
  let unsigned: { seq: number; detail: string } | undefined;
  // Nothing else may run on this connection while iterating: collect the break, diagnose after.
  for (const row of db.prepare(`${SELECT_CHAIN} ORDER BY seq`).raw().iterate() as IterableIterator<ChainRow>) {
    if (head && row[SEQ] > head.seq) {
      beyondHead = row;
      break;
    }
    const keyed = row[HASH].startsWith(KEYED);
    if (keyed && !key) {
      unsigned = { seq: row[SEQ], detail: `records from seq ${row[SEQ]} on are signed with the audit key; give audit.key (the same file: or env: source) to check them` };
      break;
    }
    if (row[PREV_HASH] !== expectedPrev || row[SEQ] !== expectedSeq || chainHash(row[PREV_HASH], row[CANONICAL], keyed ? key : undefined) !== row[HASH]) {
      broken = { row, expectedSeq, expectedPrev };
      break;
    }
    if (keyed) firstKeyed ??= row[SEQ];
    else if (firstKeyed !== undefined) {
      unsigned = { seq: row[SEQ], detail: `record ${row[SEQ]} is not signed with the audit key although record ${firstKeyed} before it is: the chain was rebuilt without the key` };
      break;
    }
    count += 1;
    expectedPrev = row[HASH];
    expectedSeq = row[SEQ] + 1;
  }
  const at = head ? { seq: head.seq, hash: head.hash } : { seq: expectedSeq - 1, hash: expectedPrev };
  if (unsigned) return bad(count, at, unsigned.seq, 'unsigned', unsigned.detail);
  if (beyondHead) {
    return bad(count, at, beyondHead[SEQ], 'inserted', `record ${beyondHead[SEQ]} comes after the last record the store wrote (seq ${head!.seq})`);
  }
  if (broken) return diagnose(db, count, at, broken, key);
  const lastSeq = expectedSeq - 1;
  if (!head && lastSeq > 0) {
    return bad(count, at, lastSeq + 1, 'deleted', `the chain head (the store's note of its last record) is gone, so records after seq ${lastSeq} may have been cut off`);
  }
  if (head && head.seq > lastSeq) {
    return bad(count, at, lastSeq + 1, 'deleted', `the chain ends at seq ${lastSeq} but the store wrote up to seq ${head.seq}`);
  }
  if (head && head.hash !== expectedPrev) {
    return bad(count, at, lastSeq, 'edited', `record ${lastSeq} does not match the hash the store recorded when it wrote it`);
  }
  if (key && lastSeq > 0 && !expectedPrev.startsWith(KEYED)) {
    return bad(count, at, lastSeq, 'unsigned', `the last record (seq ${lastSeq}) is not signed with the audit key: the chain was rebuilt without the key, or nothing was written since the key was configured`);
  }
  return { ok: true, count, head: at };
}

function diagnose(db: Database.Database, count: number, at: { seq: number; hash: string }, { row, expectedSeq, expectedPrev }: Break, key: Buffer | undefined): AuditVerification {
  const seq = row[SEQ];
  const selfValid = chainHash(row[PREV_HASH], row[CANONICAL], row[HASH].startsWith(KEYED) ? key : undefined) === row[HASH];
  if (row[PREV_HASH] === expectedPrev) {
    const what = seq !== expectedSeq ? `its seq was changed to ${seq}` : 'its content no longer matches its hash';
    return bad(count, at, expectedSeq, 'edited', `record ${expectedSeq}: ${what}`);
  }
  const predecessor = db.prepare('SELECT seq FROM audit WHERE hash = ? LIMIT 1').pluck().get(row[PREV_HASH]) as number | undefined;
  if (predecessor !== undefined && predecessor > seq) {
    return bad(count, at, seq, 'reordered', `record at seq ${seq} was written after record ${predecessor} but now precedes it`);
  }
  if (predecessor !== undefined && predecessor < expectedSeq - 1) {
    return bad(count, at, predecessor + 1, 'inserted', `records after seq ${predecessor} are not part of the chain: record at seq ${seq} was written right after ${predecessor}`);
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
