import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from './cli-harness.js';

// Someone with the file and a SQLite shell: drops the append-only triggers and rewrites history.
function tamper(file: string, sql: string): void {
  const db = new Database(file);
  db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
  db.exec(sql);
  db.close();
}

const h = await Harness.bundled();
let pristine = '';

test.before(async () => {
  const exit = await h.run(['run', 'ledger', '--yes', '--confirm', 'Patriot']);
  assert.is(exit.code, 0, exit.stderr);
  pristine = join(h.dir, 'pristine.db');
  copyFileSync(h.storePath, pristine);
});
test.after(() => h.cleanup());

test('an intact trail verifies: exit 0 with --local, 5 (anchors not checked) without a pair to ask', async () => {
  const local = await h.run(['audit', 'verify', '--local']);
  assert.is(local.code, 0, local.stderr);
  assert.match(local.stdout, /audit trail intact: \d+ records/);
  assert.match(local.stdout, /head: seq \d+ [0-9a-f]{64}/);
  const noPair = await h.run(['audit', 'verify']);
  assert.is(noPair.code, 5, noPair.stderr);
  assert.match(noPair.stdout, 'intact locally, anchors not checked');
});

test('--expect-head: the printed head passes, any other hash fails', async () => {
  const head = /head: seq \d+ ([0-9a-f]{64})/.exec((await h.run(['audit', 'verify', '--local'])).stdout)![1]!;
  assert.is((await h.run(['audit', 'verify', '--local', '--expect-head', head])).code, 0);
  const other = await h.run(['audit', 'verify', '--local', '--expect-head', 'f'.repeat(64)]);
  assert.is(other.code, 1);
  assert.match(other.stderr, `not the expected ${'f'.repeat(64)}`);
});

const cases: [what: string, sql: string, seq: RegExp, problem: RegExp][] = [
  ['edited', "UPDATE audit SET message = 'nothing to see here' WHERE seq = 5", /#5\b/, /edited/],
  ['deleted', 'DELETE FROM audit WHERE seq = 7', /#[78]\b/, /deleted/],
  [
    'reordered',
    'UPDATE audit SET seq = -1 WHERE seq = 9; UPDATE audit SET seq = 9 WHERE seq = 10; UPDATE audit SET seq = 10 WHERE seq = -1',
    /#(9|10)\b/,
    /reordered|edited/,
  ],
];

for (const [what, sql, seq, problem] of cases) {
  test(`a ${what} record is named by audit verify (non-zero exit)`, async () => {
    const file = join(h.dir, `${what}.db`);
    copyFileSync(pristine, file);
    tamper(file, sql);
    const exit = await h.run(['audit', 'verify', '--store', file]);
    assert.is(exit.code, 1, exit.stdout + exit.stderr);
    assert.match(exit.stderr, 'audit trail BROKEN');
    assert.match(exit.stderr, seq);
    assert.match(exit.stderr, problem);
  });
}

test('exports: ndjson per run, csv with a header, a markdown report', async () => {
  const runs = await h.run(['runs', '--json']);
  const runId = (JSON.parse(runs.stdout.split('\n')[0]!) as { id: string }).id;
  const ndjson = await h.run(['audit', '--run', runId, '--format', 'ndjson']);
  const records = ndjson.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { runId: string; kind: string; sql: string | null });
  assert.ok(records.length > 10);
  assert.ok(records.every((r) => r.runId === runId));
  assert.ok(records.some((r) => r.kind === 'statement' && r.sql === "APPLY create-master-key PASSWORD = N'****'"));
  const csv = await h.run(['audit', '--format', 'csv']);
  assert.match(csv.stdout.split('\r\n')[0]!, /^seq,ts,runId,kind/);
  const md = await h.run(['audit', '--format', 'md', '--run', runId]);
  assert.is(md.code, 0);
  assert.match(md.stdout, runId);
  const bad = await h.run(['audit', '--format', 'xml']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, 'ndjson, csv or md');
});

test.run();
