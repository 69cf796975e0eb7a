// `audit verify` holds every run of the store to the servers whose anchors it read: a run that
// reached one of them and left no anchor there is named with the run and the server, weighed as an
// auditor would. Gone from the server although the store recorded writing it: evidence removed
// (exit 1). A done run that changed the server and never got its anchor there: its change is
// unrecorded outside the file (exit 1, with the `resume` that writes it). A run still running,
// interrupted or failed (its end anchors it), one that only read the server, one older than the
// store's first anchor, and one whose anchors a confirmed `cleanup --drop-anchors` removed: notes.
// The store is written through its own API, the records as the engine writes them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, proveStoreFile, type RunAnchor, type RunStatus, type Store, type StoreProof } from '../../store/index.js';
import { definition, runInput } from '../store/support.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-missing-anchor-'));
const path = join(dir, 'state.db');
const readOn = ['SQLPRI01', 'SQLMIR01'];
let anchors: RunAnchor[] = [];

function run(
  store: Store,
  id: string,
  {
    status,
    changes = [],
    reads = [],
    anchored = [],
    notAnchored = [],
  }: { status: RunStatus; changes?: string[]; reads?: string[]; anchored?: string[]; notAnchored?: string[] },
): void {
  store.runs.create({ ...runInput(id, 'SQLPRI01|SQLMIR01'), definition });
  const target = (server: string) => (server === 'SQLPRI01' ? ('principal' as const) : ('mirror' as const));
  for (const server of [...reads, ...changes])
    store.audit.append({ kind: 'statement', runId: id, target: target(server), server, sql: 'SELECT 1', result: 'ok' });
  for (const server of changes) {
    store.audit.append({ kind: 'intent', runId: id, target: target(server), server, sql: 'ALTER DATABASE [Patriot] SET PARTNER RESUME', result: 'apply' });
    store.audit.append({ kind: 'statement', runId: id, target: target(server), server, sql: 'ALTER DATABASE [Patriot] SET PARTNER RESUME', result: 'ok' });
  }
  if (status !== 'running') store.runs.setStatus(id, status, status === 'done' ? 0 : 1);
  const head = store.audit.head();
  for (const server of anchored) {
    store.audit.append({
      kind: 'anchor',
      runId: id,
      target: target(server),
      server,
      result: 'written',
      data: { headSeq: head.seq, headHash: head.hash, storeId: store.id },
    });
    anchors.push({
      server,
      runId: id,
      procedure: 'certificate-setup',
      operator: 'alice',
      startedAt: '2026-12-04T08:00:00.000Z',
      endedAt: '2026-12-04T08:01:00.000Z',
      outcome: status,
      headSeq: head.seq,
      headHash: head.hash,
      storeHost: 'dbhost',
      storeId: store.id,
      writtenAt: '2026-12-04T08:01:00.000Z',
    });
  }
  for (const server of notAnchored)
    store.audit.append({
      kind: 'anchor',
      runId: id,
      target: target(server),
      server,
      result: 'not written',
      message: "the run's anchor could not be written: connected, but no answer within 5 s",
    });
}

function found(proof: StoreProof): { findings: string; notes: string } {
  return {
    findings: proof.findings.map((f) => `${f.problem}${f.runId ? ` [run ${f.runId}]` : ''}: ${f.detail}`).join('\n'),
    notes: proof.notes.join('\n'),
  };
}

test.before(() => {
  const store = openStore(path);
  try {
    run(store, 'before-anchors', { status: 'done', changes: ['SQLPRI01'] });
    run(store, 'anchored', { status: 'done', changes: ['SQLPRI01', 'SQLMIR01'], anchored: ['SQLPRI01', 'SQLMIR01'] });
    run(store, 'removed', { status: 'done', changes: ['SQLPRI01'], reads: ['SQLMIR01'], anchored: ['SQLPRI01', 'SQLMIR01'] });
    run(store, 'never-written', { status: 'done', changes: ['SQLMIR01'], anchored: [], notAnchored: ['SQLMIR01'] });
    run(store, 'killed-before-anchoring', { status: 'done', changes: ['SQLPRI01'] });
    run(store, 'only-read', { status: 'done', reads: ['SQLMIR01'] });
    run(store, 'still-running', { status: 'running', changes: ['SQLPRI01'] });
    run(store, 'failed', { status: 'failed', changes: ['SQLMIR01'], notAnchored: ['SQLMIR01'] });
  } finally {
    store.close();
  }
  // What the servers hold: everything the store wrote, but the removed run's row on SQLMIR01.
  anchors = anchors.filter((a) => !(a.runId === 'removed' && a.server === 'SQLMIR01'));
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('an anchor the store wrote, gone from the server: evidence removed, named with the run, the server and the record', () => {
  const { findings } = found(proveStoreFile(path, { anchors, anchorsReadOn: readOn }));
  assert.match(
    findings,
    /anchor \[run removed\]: run removed \(done\): the anchor the store recorded writing on SQLMIR01 \(record \d+\) is gone from SQLMIR01: the server's record of the run was removed/,
  );
  assert.not.match(findings, 'run removed (done): the anchor the store recorded writing on SQLPRI01');
});

test('a done run that changed a server and never got its anchor there: named, with why and the resume that writes it', () => {
  const { findings } = found(proveStoreFile(path, { anchors, anchorsReadOn: readOn }));
  assert.match(
    findings,
    "anchor [run never-written]: run never-written (done) changed SQLMIR01, which holds no anchor of it: the run's anchor could not be written: connected, but no answer within 5 s; `mirrorbook resume never-written` writes it",
  );
  assert.match(
    findings,
    'anchor [run killed-before-anchoring]: run killed-before-anchoring (done) changed SQLPRI01, which holds no anchor of it: its process ended before it anchored the run; `mirrorbook resume killed-before-anchoring` writes it',
  );
  assert.is(findings.split('\n').length, 3, findings);
});

test('explained, not failed: a run not ended yet, one that only read, one older than anchoring', () => {
  const { notes } = found(proveStoreFile(path, { anchors, anchorsReadOn: readOn }));
  assert.match(notes, 'run still-running (running) has no anchor on SQLPRI01 yet: a run is anchored when it ends, `mirrorbook resume still-running` ends it');
  assert.match(notes, 'run failed (failed) has no anchor on SQLMIR01 yet');
  assert.match(notes, 'run only-read (done) read SQLMIR01 but left no anchor there; `mirrorbook resume only-read` writes it');
  assert.match(notes, 'run before-anchors (done) has no anchor on SQLPRI01: it ran before this store anchored runs');
});

test('only the servers whose anchors were read are held to: an unreachable one is not', () => {
  const { findings } = found(proveStoreFile(path, { anchors, anchorsReadOn: ['SQLPRI01'] }));
  assert.match(findings, 'run killed-before-anchoring (done) changed SQLPRI01');
  assert.not.match(findings, 'SQLMIR01');
});

test('anchors dropped on purpose by a confirmed cleanup --drop-anchors: a note naming it, not a finding', () => {
  const store = openStore(path);
  try {
    store.runs.create({ ...runInput('cleanup-run', 'SQLPRI01|SQLMIR01'), procedure: 'cleanup', definition });
    store.audit.append({
      kind: 'outcome',
      runId: 'cleanup-run',
      stepId: 'cleanup.mirror.run-anchors',
      target: 'mirror',
      server: 'SQLMIR01',
      sql: 'DROP TABLE msdb.dbo.mirrorbook_run_anchors',
      result: 'ok',
    });
    store.audit.append({
      kind: 'statement',
      runId: 'cleanup-run',
      target: 'mirror',
      server: 'SQLMIR01',
      sql: 'DROP TABLE msdb.dbo.mirrorbook_run_anchors',
      result: 'ok',
    });
    store.runs.setStatus('cleanup-run', 'done', 0);
  } finally {
    store.close();
  }
  const onMirror = anchors.filter((a) => a.server !== 'SQLMIR01');
  const { findings, notes } = found(proveStoreFile(path, { anchors: onMirror, anchorsReadOn: readOn }));
  assert.match(
    notes,
    /run anchored \(done\): its anchor on SQLMIR01 went with the anchors table, dropped on purpose by `run cleanup --drop-anchors` \(record \d+\)/,
  );
  assert.not.match(findings, 'the anchor the store recorded writing on SQLMIR01');
});

test.run();
