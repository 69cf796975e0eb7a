// Walks the audit chain once, in seq order, and names the first record that breaks it.
import type Database from 'better-sqlite3';
import { GENESIS_HASH, SELECT_CHAIN, chainHash, type ChainRow } from './audit-chain.js';

const SEQ = 0;
const PREV_HASH = 1;
const HASH = 2;
const CANONICAL = 3;
import type { AuditProblem, AuditVerification } from './types.js';

interface Break {
  row: ChainRow;
  expectedSeq: number;
  expectedPrev: string;
}

export function verifyChain(db: Database.Database): AuditVerification {
  const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  let count = 0;
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let broken: Break | undefined;
  let beyondHead: ChainRow | undefined;
  // Nothing else may run on this connection while iterating: collect the break, diagnose after.
  for (const row of db.prepare(`${SELECT_CHAIN} ORDER BY seq`).raw().iterate() as IterableIterator<ChainRow>) {
    if (head && row[SEQ] > head.seq) {
      beyondHead = row;
      break;
    }
    if (row[PREV_HASH] !== expectedPrev || row[SEQ] !== expectedSeq || chainHash(row[PREV_HASH], row[CANONICAL]) !== row[HASH]) {
      broken = { row, expectedSeq, expectedPrev };
      break;
    }
    count += 1;
    expectedPrev = row[HASH];
    expectedSeq = row[SEQ] + 1;
  }
  if (beyondHead) {
    return bad(count, beyondHead[SEQ], 'inserted', `record ${beyondHead[SEQ]} comes after the last record the store wrote (seq ${head!.seq})`);
  }
  if (broken) return diagnose(db, count, broken);
  const lastSeq = expectedSeq - 1;
  if (!head && lastSeq > 0) {
    return bad(count, lastSeq + 1, 'deleted', `the chain head (the store's note of its last record) is gone, so records after seq ${lastSeq} may have been cut off`);
  }
  if (head && head.seq > lastSeq) {
    return bad(count, lastSeq + 1, 'deleted', `the chain ends at seq ${lastSeq} but the store wrote up to seq ${head.seq}`);
  }
  if (head && head.hash !== expectedPrev) {
    return bad(count, lastSeq, 'edited', `record ${lastSeq} does not match the hash the store recorded when it wrote it`);
  }
  return { ok: true, count };
}

function diagnose(db: Database.Database, count: number, { row, expectedSeq, expectedPrev }: Break): AuditVerification {
  const seq = row[SEQ];
  const selfValid = chainHash(row[PREV_HASH], row[CANONICAL]) === row[HASH];
  if (row[PREV_HASH] === expectedPrev) {
    const what = seq !== expectedSeq ? `its seq was changed to ${seq}` : 'its content no longer matches its hash';
    return bad(count, expectedSeq, 'edited', `record ${expectedSeq}: ${what}`);
  }
  const predecessor = db.prepare('SELECT seq FROM audit WHERE hash = ? LIMIT 1').pluck().get(row[PREV_HASH]) as number | undefined;
  if (predecessor !== undefined && predecessor > seq) {
    return bad(count, seq, 'reordered', `record at seq ${seq} was written after record ${predecessor} but now precedes it`);
  }
  if (predecessor !== undefined && predecessor < expectedSeq - 1) {
    return bad(count, predecessor + 1, 'inserted', `records after seq ${predecessor} are not part of the chain: record at seq ${seq} was written right after ${predecessor}`);
  }
  if (predecessor === undefined && selfValid && seq > expectedSeq) {
    const missing = seq - expectedSeq === 1 ? `record ${expectedSeq} is` : `records ${expectedSeq}–${seq - 1} are`;
    return bad(count, expectedSeq, 'deleted', `${missing} missing: record ${seq} was written after a record that is gone`);
  }
  if (predecessor === undefined && selfValid) {
    return bad(count, seq, 'deleted', `the record written before seq ${seq} is missing`);
  }
  return bad(count, seq, 'edited', `record ${seq}: its link to the previous record was changed`);
}

function bad(count: number, seq: number, problem: AuditProblem, detail: string): AuditVerification {
  return { ok: false, count, firstBad: { seq, problem, detail } };
}
