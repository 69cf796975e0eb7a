// On a large store `audit verify` walks the chain in two parts, the second in a worker thread
// (store/audit-verify.ts, store/beside.ts). Whatever was done to the file, and wherever the split
// falls — on the broken record, just before or after it, across the record where the key starts —
// the verdict, the record named and the count are those of the walk in one piece, and so is the
// proof, whose tables are checked while the worker walks (store/audit-ties.ts, audit-proof.ts). An
// intact chain is proved by the two parts joined (the walk's trace says so), anything else by the
// walk in one piece, and so is the verdict when the worker ends without answering. The many splits
// walk the second part in-process with the worker's own function (a worker here loads TypeScript
// through tsx, half a second each); the worker itself walks the intact chain, a broken one and the proofs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { PREV_HASH, SELECT_AUDIT, hashOf, type AuditRow } from '../../store/audit-chain.js';
import { proveDb } from '../../store/audit-proof.js';
import { MAIN_SHARE, verifyChain, walkSegment, type ChainWalk } from '../../store/audit-verify.js';
import { beside } from '../../store/beside.js';
import { rechain, tamper } from '../proof/tamper.js';
import { runInput, tempStore, type TempStore } from './support.js';
import { fillAudit } from './tamper.js';

const KEY = Buffer.from('the-audit-key-of-the-split-walk');
const RECORDS = 12;
let t: TempStore;
let plain = '';
let keyed = '';
let n = 0;

test.before(() => {
  t = tempStore();
  t.store.runs.create(runInput('run-1'));
  const intent = t.store.journal.intent({ runId: 'run-1', stepId: 'master-key', attempt: 1, action: 'apply' });
  t.store.journal.outcome({ intentId: intent, status: 'ok' });
  t.store.journal.step({ runId: 'run-1', stepId: 'master-key', status: 'done', attempt: 1 });
  fillAudit(t.store, RECORDS - 4);
  t.store.close();
  plain = join(t.dir, 'plain.db');
  copyFileSync(t.path, plain);
  // Records 1–6 plain, 7–12 signed: audit.key configured half way.
  keyed = join(t.dir, 'keyed.db');
  const before = openStore(keyed);
  fillAudit(before, 6);
  before.close();
  const after = openStore(keyed, { auditKey: KEY });
  fillAudit(after, 6);
  after.close();
});
test.after(() => t.cleanup());

/** Rebuilds the links from record `seq` on with plain SHA-256, as someone without the key would;
 * from the hash of the record before it, or from `base`. */
function rechainFrom(file: string, seq: number, base?: string): void {
  tamper(file, '');
  const db = new Database(file);
  const rows = db.prepare(`${SELECT_AUDIT} WHERE seq >= ? ORDER BY seq`).raw().all(seq) as AuditRow[];
  let prev =
    base ??
    (db
      .prepare('SELECT hash FROM audit WHERE seq = ?')
      .pluck()
      .get(seq - 1) as string);
  for (const row of rows) {
    row[PREV_HASH] = prev;
    prev = hashOf(db, row);
    db.prepare('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?').run(row[PREV_HASH], prev, row[0]);
  }
  db.prepare('UPDATE audit_head SET hash = ?').run(prev);
  db.close();
}

/** A copy of `from` after `attack`. */
function copy(from: string, attack: (file: string) => void = () => {}): string {
  const file = join(t.dir, `copy-${(n += 1)}.db`);
  copyFileSync(from, file);
  attack(file);
  return file;
}

/** The second part walked by a worker on `file`, or in-process on `db` by the function the worker runs. */
function split(from: number, file: string, db: Database.Database, inWorker: boolean): NonNullable<ChainWalk['beside']> {
  return {
    from,
    walk: (at, checks) =>
      inWorker ? beside(file, { kind: 'walk', from: at, ...checks }) : { answer: () => walkSegment(db, { from: at, ...checks }), dispose: () => {} },
  };
}

const JOINED = (from: number) => `the chain was walked in two parts joined at seq ${from}`;
const NOT_JOINED = (from: number) => `the two parts of the chain walk did not join at seq ${from}: it was walked again in one piece`;

/** The walk in one piece, then split at each of `splits` (the first in a worker when `inWorker`):
 * every verdict the same, and an intact chain proved by the parts joined. */
function sameVerdict(file: string, splits: number[], options: { key?: Buffer; inWorker?: boolean } = {}): ReturnType<typeof verifyChain> {
  const { key, inWorker = false } = options;
  const db = new Database(file, { readonly: true });
  try {
    const whole = verifyChain(db, key ? { key } : {});
    splits.forEach((from, i) => {
      const trace: string[] = [];
      assert.equal(
        verifyChain(db, { ...(key ? { key } : {}), beside: split(from, file, db, inWorker && i === 0), trace: (line) => trace.push(line) }),
        whole,
        `split at ${from}`,
      );
      if (whole.ok) assert.equal(trace, [JOINED(from)], `split at ${from}: proved by the two parts joined`);
    });
    return whole;
  } finally {
    db.close();
  }
}

test('the worker walks its part: the records from the split on, linked to the one before', () => {
  const db = new Database(plain, { readonly: true });
  const sixth = db.prepare('SELECT hash FROM audit WHERE seq = 6').pluck().get() as string;
  const last = db.prepare('SELECT hash FROM audit WHERE seq = ?').pluck().get(RECORDS) as string;
  db.close();
  const part = beside(plain, { kind: 'walk', from: 7, headSeq: RECORDS });
  assert.equal(part.answer(), { count: RECORDS - 6, nextSeq: RECORDS + 1, nextPrev: last, first: { seq: 7, prev: sixth }, firstUnkeyed: 7 });
  const signed = beside(keyed, { kind: 'walk', from: 7, key: KEY }).answer();
  assert.equal([signed?.firstKeyed, signed?.stop], [7, undefined], 'the key reaches the worker');
});

test('an intact chain: intact whichever the split', () => {
  const whole = sameVerdict(plain, [7, 2, RECORDS], { inWorker: true });
  assert.equal(whole, { ok: true, count: RECORDS, head: whole.head });
  assert.ok(sameVerdict(keyed, [6, 7, 8], { key: KEY }).ok);
});

test('an edited, a deleted, a reordered record: the same record named, split on it or beside it', () => {
  const edited = sameVerdict(
    copy(plain, (f) => tamper(f, "UPDATE audit SET message = 'nothing' WHERE seq = 7")),
    [6, 7, 8],
  );
  assert.equal(edited.ok ? 0 : edited.firstBad.seq, 7);
  const db = new Database(
    copy(plain, (f) => tamper(f, "UPDATE audit SET message = 'nothing' WHERE seq = 9")),
    { readonly: true },
  );
  try {
    const trace: string[] = [];
    const verdict = verifyChain(db, { beside: split(7, '', db, false), trace: (line) => trace.push(line) });
    assert.equal([verdict.ok ? 0 : verdict.firstBad.seq, trace], [9, [NOT_JOINED(7)]], 'a break past the split: walked again in one piece');
  } finally {
    db.close();
  }
  const deleted = sameVerdict(
    copy(plain, (f) => tamper(f, 'DELETE FROM audit WHERE seq = 7')),
    [7, 8],
  );
  assert.equal(deleted.ok ? '' : deleted.firstBad.problem, 'deleted');
  const reordered = sameVerdict(
    copy(plain, (f) => tamper(f, 'UPDATE audit SET seq = -1 WHERE seq = 6; UPDATE audit SET seq = 6 WHERE seq = 7; UPDATE audit SET seq = 7 WHERE seq = -1;')),
    [6, 7, 8],
  );
  assert.equal(reordered.ok ? '' : reordered.firstBad.problem, 'reordered');
  const relinked = sameVerdict(
    copy(plain, (f) => rechainFrom(f, 7, 'f'.repeat(64))),
    [7, 8],
    { inWorker: true },
  );
  assert.equal(relinked.ok ? 0 : relinked.firstBad.seq, 7, 'the records from the split on link to each other, not to the one before');
});

test('a link with a newline in it, a record before the first, a record past the head, the tail cut', () => {
  const newline = sameVerdict(
    copy(plain, (f) => tamper(f, 'UPDATE audit SET prev_hash = prev_hash || char(10) WHERE seq = 7')),
    [7, 8],
  );
  assert.equal(newline.ok ? 0 : newline.firstBad.seq, 7);
  const before = sameVerdict(
    copy(plain, (f) =>
      tamper(
        f,
        `INSERT INTO audit SELECT 0, ts, run_id, kind, operator, os_user, host, target, server, step_id, attempt, sql, result, error_number, message, data, prev_hash, hash, pid FROM audit WHERE seq = 1`,
      ),
    ),
    [2, 7],
  );
  assert.is(before.ok, false, 'a record at seq 0 is not skipped by either part');
  const beyond = sameVerdict(
    copy(plain, (f) =>
      tamper(
        f,
        `INSERT INTO audit SELECT ${RECORDS + 1}, ts, run_id, kind, operator, os_user, host, target, server, step_id, attempt, sql, result, error_number, message, data, hash, hash, pid FROM audit WHERE seq = ${RECORDS}`,
      ),
    ),
    [7, RECORDS],
  );
  assert.equal(beyond.ok ? '' : beyond.firstBad.problem, 'inserted');
  const cut = sameVerdict(
    copy(plain, (f) => tamper(f, 'DELETE FROM audit WHERE seq > 9')),
    [7, 9],
  );
  assert.equal(cut.ok ? '' : cut.firstBad.problem, 'deleted');
});

test('the key: a plain record after a signed one across the split, and a chain rebuilt without the key', () => {
  const plainAfterSigned = sameVerdict(
    copy(keyed, (f) => rechainFrom(f, 8)),
    [8, 7, 9],
    { key: KEY },
  );
  assert.equal(plainAfterSigned.ok ? undefined : [plainAfterSigned.firstBad.seq, plainAfterSigned.firstBad.problem], [8, 'unsigned']);
  const rebuilt = sameVerdict(copy(keyed, rechain), [6, 7, 8], { key: KEY });
  assert.equal(rebuilt.ok ? '' : rebuilt.firstBad.problem, 'unsigned');
  const noKey = sameVerdict(keyed, [6, 7, 8]);
  assert.equal(noKey.ok ? '' : noKey.firstBad.problem, 'unsigned');
});

test('proved with the work beside: the same proof, a changed row named and a broken chain tying nothing', () => {
  const operator = "PRAGMA foreign_keys = OFF; UPDATE runs SET operator = 'mallory';";
  for (const [file, named] of [
    [copy(plain, (f) => tamper(f, operator)), true],
    [copy(plain, (f) => tamper(f, `${operator} DELETE FROM audit WHERE seq = 8`)), false],
  ] as const) {
    const db = new Database(file, { readonly: true });
    try {
      const inline = proveDb(db, { walBytes: 0, viewPath: file, beside: false });
      const split = proveDb(db, { walBytes: 0, viewPath: file, beside: true });
      const from = Math.floor(RECORDS * MAIN_SHARE) + 1;
      assert.equal(split, { ...inline, trace: [named ? JOINED(from) : NOT_JOINED(from)] }, file);
      assert.is(inline.chain.ok, named);
      assert.is(
        inline.findings.some((f) => f.problem === 'untied' && f.runId === 'run-1' && f.detail.includes('operator')),
        named,
        'the changed operator is named only when the chain holds',
      );
    } finally {
      db.close();
    }
  }
});

test('a worker that ends without answering: the verdict of the walk in one piece, said so, no hang', () => {
  const ends = new URL('./worker-that-ends-without-answering.mjs', import.meta.url);
  assert.is(beside(plain, { kind: 'walk', from: 7 }, ends).answer(), undefined);
  const db = new Database(plain, { readonly: true });
  try {
    const trace: string[] = [];
    const verdict = verifyChain(db, {
      beside: { from: 7, walk: (at, checks) => beside(plain, { kind: 'walk', from: at, ...checks }, ends) },
      trace: (line) => trace.push(line),
    });
    assert.equal(verdict, verifyChain(db));
    assert.equal(trace, ['the worker thread walking the chain from seq 7 gave no answer: it was walked again in one piece']);
  } finally {
    db.close();
  }
});

test.run();
