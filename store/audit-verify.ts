// Walks the audit chain once, in seq order, and names the first record that breaks it.
import type Database from 'better-sqlite3';
import { GENESIS_HASH, hashOf, type AuditRow } from './audit-chain.js';
import type { AuditProblem, AuditVerification } from './types.js';

interface Break {
  row: AuditRow;
  expectedSeq: number;
  expectedPrev: string;
}

export function verifyChain(db: Database.Database): AuditVerification {
  const head = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  let count = 0;
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let broken: Break | undefined;
  let beyondHead: AuditRow | undefined;
  // Nothing else may run on this connection while iterating: collect the break, diagnose after.
  for (const row of db.prepare('SELECT * FROM audit ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    if (head && row.seq > head.seq) {
      beyondHead = row;
      break;
    }
    if (row.prev_hash !== expectedPrev || row.seq !== expectedSeq || hashOf(row) !== row.hash) {
      broken = { row, expectedSeq, expectedPrev };
      break;
    }
    count += 1;
    expectedPrev = row.hash;
    expectedSeq = row.seq + 1;
  }
  if (beyondHead) {
    return bad(count, beyondHead.seq, 'inserted', `record ${beyondHead.seq} comes after the last record the store wrote (seq ${head!.seq})`);
  }
  if (broken) return diagnose(db, count, broken);
  const lastSeq = expectedSeq - 1;
  if (head && head.seq > lastSeq) {
    return bad(count, lastSeq + 1, 'deleted', `the chain ends at seq ${lastSeq} but the store wrote up to seq ${head.seq}`);
  }
  if (head && head.hash !== expectedPrev) {
    return bad(count, lastSeq, 'edited', `record ${lastSeq} does not match the hash the store recorded when it wrote it`);
  }
  return { ok: true, count };
}

function diagnose(db: Database.Database, count: number, { row, expectedSeq, expectedPrev }: Break): AuditVerification {
  const selfValid = hashOf(row) === row.hash;
  if (row.prev_hash === expectedPrev) {
    const what = row.seq !== expectedSeq ? `its seq was changed to ${row.seq}` : 'its content no longer matches its hash';
    return bad(count, expectedSeq, 'edited', `record ${expectedSeq}: ${what}`);
  }
  const predecessor = db.prepare('SELECT seq FROM audit WHERE hash = ? LIMIT 1').get(row.prev_hash) as { seq: number } | undefined;
  if (predecessor && predecessor.seq > row.seq) {
    return bad(count, row.seq, 'reordered', `record at seq ${row.seq} was written after record ${predecessor.seq} but now precedes it`);
  }
  if (predecessor && predecessor.seq < expectedSeq - 1) {
    return bad(count, predecessor.seq + 1, 'inserted', `records after seq ${predecessor.seq} are not part of the chain: record at seq ${row.seq} was written right after ${predecessor.seq}`);
  }
  if (!predecessor && selfValid && row.seq > expectedSeq) {
    const missing = row.seq - expectedSeq === 1 ? `record ${expectedSeq} is` : `records ${expectedSeq}–${row.seq - 1} are`;
    return bad(count, expectedSeq, 'deleted', `${missing} missing: record ${row.seq} was written after a record that is gone`);
  }
  if (!predecessor && selfValid) {
    return bad(count, row.seq, 'deleted', `the record written before seq ${row.seq} is missing`);
  }
  return bad(count, row.seq, 'edited', `record ${row.seq}: its link to the previous record was changed`);
}

function bad(count: number, seq: number, problem: AuditProblem, detail: string): AuditVerification {
  return { ok: false, count, firstBad: { seq, problem, detail } };
}
