// Walks the audit chain in seq order and names the first record that breaks it. With the
// store's key (audit.key) every record from the first keyed one on, and the head, must carry the
// key's HMAC: a chain rebuilt without the key fails even though every SHA-256 link holds.
// On a large store the walk is split: a worker walks the records from a seq on (store/beside.ts)
// while this thread walks those before; the two parts prove the chain only when the second starts
// exactly where the first ends. Anything else is walked again in one piece here, so what is named
// (and how) never depends on the split; how a split walk went is told in `trace`.
import type Database from 'better-sqlite3';
import { GENESIS_HASH, KEYED, chainHash, chainedText, hasPidColumn, hasherOf, selectChain, type ChainRow } from './audit-chain.js';
import type { Pending } from './beside.js';
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

/** The share of a split chain this thread walks. It also keeps the tied records, those of its part
 * in the scan that walks it, and checks the tables (`scan`, `meanwhile`: store/audit-proof.ts),
 * while the worker only walks and the integrity check, the shortest, runs in a third thread. Two
 * cores shared fairly by three threads finish soonest when the two longest take as long: at a
 * million records (README, "Audit at 1,000,000 records") 20% gives this thread 2.3–2.5 s of CPU
 * and the worker 2.2–2.3 s; 35% gave this thread 2.6 s against the worker's 1.8. */
export const MAIN_SHARE = 0.2;

export interface ChainWalk {
  /** The store's key; without it keyed records cannot be checked. */
  key?: Buffer;
  /** Splits the walk: `walk` starts the walk of the records from seq `from` on (default: past the
   * first MAIN_SHARE of the chain) beside this thread (a worker, store/beside.ts). */
  beside?: { from?: number; walk(from: number, checks: RestChecks): Pending<Segment> };
  /** The statement this thread's part is walked by, doing other work in the same scan (SegmentWalk.scan). */
  scan?: Scan;
  /** Work for this thread while the worker walks the rest (from seq `from` on), once its own part holds. */
  meanwhile?: (from: number) => void;
  /** Gets a line on how a split walk went: the parts joined, or why the chain was walked again. */
  trace?: (line: string) => void;
}

/** What the walk of the rest checks besides the links: records past the head, and the key. */
export interface RestChecks {
  headSeq?: number;
  key?: Buffer;
}

/** What a walk over the records of a seq range found, in seq order: plain data, so a worker can
 * send back the part it walked. */
export interface Segment {
  /** Records that linked. */
  count: number;
  /** The first record walked: its seq and the hash it links to. */
  first?: { seq: number; prev: string };
  /** The seq the next record must have and the hash it must link to. */
  nextSeq: number;
  nextPrev: string;
  /** The first record signed with the key, and the first not signed. */
  firstKeyed?: number;
  firstUnkeyed?: number;
  /** Why the walk stopped before the end of its range. */
  stop?: { kind: 'broken' | 'beyond'; seq: number } | { kind: 'unsigned'; seq: number; detail: string };
}

export interface SegmentWalk {
  /** The range walked: seq >= from and seq < to (each unbounded when absent). */
  from?: number;
  to?: number;
  /** The seq and hash the first record must have and link to; absent: whichever the first names
   * (a range that does not start the chain, joined to the one before it afterwards). */
  start?: { seq: number; prev: string };
  /** The last record the store wrote: records past it were put there behind its back. */
  headSeq?: number;
  key?: Buffer;
  /** Walks the range by a statement of the caller's instead of a query of its own. */
  scan?: Scan;
}

/** A statement (not a query) that reads the records of `range` in seq order and evaluates `linked`
 * first for each one, whatever else it does with them: `linked` is true for a record that links and
 * stops the statement at the first that does not. E.g. `INSERT … SELECT … FROM audit WHERE ${range}
 * AND CASE WHEN ${linked} THEN … END ORDER BY seq` (CASE: SQLite may evaluate the terms of an AND in
 * any order, the branches of a CASE only in theirs). */
export type Scan = (range: string, linked: string) => string;

export function readHead(db: Database.Database): { seq: number; hash: string } | undefined | null {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_head'").get();
  if (!table) return null;
  return db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
}

/** Per record, in seq order, SQLite builds the hashed text and JavaScript only hashes and compares:
 * a function called from the scan, not a row iterator, so no row array is made per record. It is
 * true for a record that links; at the first that does not it stops the scan by throwing STOP. */
const linked = (pidColumn: boolean) => `chain_link(seq, ${chainedText(pidColumn)}, hash)`;
const walkQuery = (link: string, range: string) => `SELECT seq FROM audit WHERE ${range} AND NOT ${link} ORDER BY seq LIMIT 1`;
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

/** The SQL condition selecting a range's records, and its parameters. */
function rangeOf(from: number | undefined, to: number | undefined): { range: string; params: Record<string, number> } {
  const bounds = [from === undefined ? undefined : 'seq >= @from', to === undefined ? undefined : 'seq < @to'].filter((b) => b !== undefined);
  return {
    range: bounds.length === 0 ? 'TRUE' : bounds.join(' AND '),
    params: { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
  };
}

/** Walks the records of one range in seq order, stopping at the first that does not link. */
export function walkSegment(db: Database.Database, walk: SegmentWalk): Segment {
  const { headSeq, key } = walk;
  const sha256 = hasherOf();
  const hmac = key ? hasherOf(key) : undefined;
  const segment: Segment = { count: 0, nextSeq: walk.start?.seq ?? 0, nextPrev: walk.start?.prev ?? '' };
  let started = walk.start !== undefined;
  const stop = (at: NonNullable<Segment['stop']>): never => {
    segment.stop = at;
    throw STOP;
  };
  const slot = linkFunction(db);
  slot.link = (seq, text, hash) => {
    if (headSeq !== undefined && seq > headSeq) stop({ kind: 'beyond', seq });
    const keyed = hash !== null && hash.startsWith(KEYED);
    if (keyed && !hmac) {
      stop({
        kind: 'unsigned',
        seq,
        detail: `records from seq ${seq} on are signed with the audit key; give audit.key (the same file: or env: source) to check them`,
      });
    }
    // A range that does not start the chain starts at its first record; SQLite gives no text when
    // prev_hash holds a newline, so the text up to the first one is exactly prev_hash.
    if (!started && text !== null) {
      segment.nextSeq = seq;
      segment.nextPrev = text.slice(0, text.indexOf('\n'));
    }
    if (!started) segment.first = { seq, prev: segment.nextPrev };
    started = true;
    const expectedPrev = segment.nextPrev;
    const at = expectedPrev.length;
    if (
      text === null ||
      hash === null ||
      seq !== segment.nextSeq ||
      !text.startsWith(expectedPrev) ||
      text.charCodeAt(at) !== NEWLINE ||
      (keyed ? hmac! : sha256)(text) !== hash
    ) {
      stop({ kind: 'broken', seq });
    }
    if (keyed) segment.firstKeyed ??= seq;
    else if (segment.firstKeyed !== undefined) {
      stop({
        kind: 'unsigned',
        seq,
        detail: `record ${seq} is not signed with the audit key although record ${segment.firstKeyed} before it is: the chain was rebuilt without the key`,
      });
    } else segment.firstUnkeyed ??= seq;
    segment.count += 1;
    segment.nextPrev = hash!;
    segment.nextSeq = seq + 1;
    return 1;
  };
  const { range, params } = rangeOf(walk.from, walk.to);
  const link = linked(hasPidColumn(db));
  try {
    if (walk.scan) db.prepare(walk.scan(range, link)).run(params);
    else db.prepare(walkQuery(link, range)).get(params);
  } catch (error) {
    if (error !== STOP) throw error;
  } finally {
    slot.link = stopped;
  }
  return segment;
}

/** The two parts as one walk, when the second starts exactly where the first ends; else undefined. */
function joined(first: Segment, rest: Segment | undefined): Segment | undefined {
  if (!rest || rest.stop) return undefined;
  if (!rest.first) return first;
  if (rest.first.seq !== first.nextSeq || rest.first.prev !== first.nextPrev) return undefined;
  if (first.firstKeyed !== undefined && rest.firstUnkeyed !== undefined) return undefined;
  const firstKeyed = first.firstKeyed ?? rest.firstKeyed;
  return { count: first.count + rest.count, nextSeq: rest.nextSeq, nextPrev: rest.nextPrev, ...(firstKeyed === undefined ? {} : { firstKeyed }) };
}

export function verifyChain(db: Database.Database, walk: ChainWalk = {}): AuditVerification {
  const head = readHead(db) ?? undefined;
  const { key } = walk;
  const checks: RestChecks = { ...(head ? { headSeq: head.seq } : {}), ...(key ? { key } : {}) };
  const genesis = { ...checks, start: { seq: 1, prev: GENESIS_HASH } };
  const from = walk.beside && splitAt(db, head, walk.beside.from);
  if (walk.beside && from) {
    const rest = walk.beside.walk(from, checks);
    try {
      const first = walkSegment(db, { ...genesis, to: from, ...(walk.scan ? { scan: walk.scan } : {}) });
      // A break before `from` is the first one whichever way the chain is walked.
      if (first.stop) return concluded(db, first, head, key);
      walk.meanwhile?.(from);
      const answer = rest.answer();
      const whole = joined(first, answer);
      walk.trace?.(
        whole
          ? `the chain was walked in two parts joined at seq ${from}`
          : answer
            ? `the two parts of the chain walk did not join at seq ${from}: it was walked again in one piece`
            : `the worker thread walking the chain from seq ${from} gave no answer: it was walked again in one piece`,
      );
      if (whole) return concluded(db, whole, head, key);
    } finally {
      rest.dispose();
    }
  }
  return concluded(db, walkSegment(db, genesis), head, key);
}

/** Where the worker's part of a split walk starts: `from`, else past MAIN_SHARE of the chain;
 * undefined when either part would be empty. */
function splitAt(db: Database.Database, head: { seq: number } | undefined, from: number | undefined): number | undefined {
  const last = head?.seq ?? (db.prepare('SELECT max(seq) FROM audit').pluck().get() as number | null) ?? 0;
  const at = from ?? Math.floor(last * MAIN_SHARE) + 1;
  return at > 1 && at <= last ? at : undefined;
}

/** The verdict on a walk of the whole chain. */
function concluded(db: Database.Database, walk: Segment, head: { seq: number; hash: string } | undefined, key: Buffer | undefined): AuditVerification {
  const { count, nextSeq: expectedSeq, nextPrev: expectedPrev, stop } = walk;
  const at = head ? { seq: head.seq, hash: head.hash } : { seq: expectedSeq - 1, hash: expectedPrev };
  if (stop?.kind === 'unsigned') return bad(count, at, stop.seq, 'unsigned', stop.detail);
  if (stop?.kind === 'beyond') {
    return bad(count, at, stop.seq, 'inserted', `record ${stop.seq} comes after the last record the store wrote (seq ${head!.seq})`);
  }
  if (stop?.kind === 'broken') {
    const row = db
      .prepare(`${selectChain(hasPidColumn(db))} WHERE seq = ?`)
      .raw()
      .get(stop.seq) as ChainRow;
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
