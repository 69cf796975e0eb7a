import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runInput, tempStore, intactCount } from './support.js';
import { fillAudit } from './tamper.js';

test('an untouched trail verifies, each record linked to the one before', () => {
  const t = tempStore();
  try {
    assert.equal(intactCount(t.store.audit.verify()), 0);
    t.store.runs.create(runInput());
    fillAudit(t.store, 20);
    t.store.runs.setStatus('run-1', 'done', 0);
    assert.equal(intactCount(t.store.audit.verify()), 22);
    const records = t.store.audit.forRun('run-1');
    assert.equal(
      records.map((r) => r.kind),
      ['run-start', 'run-end'],
    );
    assert.is(records[0]!.seq, 1);
    assert.is(records[1]!.seq, 22);
    assert.is(records[0]!.prevHash, '0'.repeat(64));
    assert.match(records[0]!.hash, /^[0-9a-f]{64}$/);
    assert.match(records[0]!.ts, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  } finally {
    t.cleanup();
  }
});

test('awkward text still verifies: control characters, quotes, non-BMP, lone surrogates', () => {
  const t = tempStore();
  try {
    const awkward = ['tab\there\nnewline\r\u0001\u001f', 'quote " backslash \\ slash /', 'Zürich 東京 🚀 \u2028\u2029', 'lone \ud800 surrogate', "N'O''Brien'"];
    t.store.runs.create(runInput());
    for (const text of awkward) t.store.audit.append({ kind: 'note', runId: 'run-1', message: text, sql: text, data: { text, n: 1.5, big: 2 ** 40 } });
    t.store.audit.append({ kind: 'note', runId: 'run-1', attempt: 3, errorNumber: 1418, message: 'integers' });
    assert.equal(intactCount(t.store.audit.verify()), awkward.length + 2);
    let ndjson = '';
    t.store.audit.export('ndjson', { runId: 'run-1' }, (c) => (ndjson += c));
    assert.equal(
      ndjson
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      JSON.parse(JSON.stringify(t.store.audit.forRun('run-1'))),
    );
  } finally {
    t.cleanup();
  }
});

test('who is filled in: the run operator, the OS user and host', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    const note = t.store.audit.append({ kind: 'note', runId: 'run-1', message: 'restored 3 log backups taken by someone else' });
    assert.is(note.operator, 'alice');
    assert.ok(note.osUser.length > 0);
    assert.ok(note.host.length > 0);
  } finally {
    t.cleanup();
  }
});

test.run();
