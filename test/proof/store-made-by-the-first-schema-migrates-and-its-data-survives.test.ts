// A store the first released schema (migration 1) wrote is opened by this build: the read commands
// show it, `audit verify` proves it as it is (no pid column, no chain head, no tied tables: named,
// not a crash), the first writing open migrates it, and every run, journal entry, snapshot and
// audit record survives with the hash chain intact and continuing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { migrations } from '../../store/migrations/index.js';
import { V1_AUDIT_MESSAGES, V1_RUN, writeFirstSchemaStore } from '../fixtures/proof/first-schema-store.js';
import { requireDist, runDist } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'mb-proof-v1-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const schemaVersion = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v;
  } finally {
    db.close();
  }
};

test('the fixture really is a first-schema store', () => {
  const path = join(dir, 'fixture.db');
  writeFirstSchemaStore(path);
  assert.is(schemaVersion(path), 1);
  assert.ok(migrations.length > 1, 'this build has later migrations to apply');
});

test('the read commands (runs, show, audit verify, audit export) work on it', async () => {
  requireDist();
  const path = join(dir, 'read.db');
  writeFirstSchemaStore(path);
  const runs = await runDist(['runs', '--store', path]);
  assert.is(runs.code, 0, runs.stderr);
  assert.match(runs.stdout, V1_RUN.id);
  const show = await runDist(['show', V1_RUN.id, '--store', path]);
  assert.is(show.code, 0, show.stderr);
  assert.match(show.stdout, 'master-key');
  const verify = await runDist(['audit', 'verify', '--local', '--store', path]);
  assert.is(verify.code, 0, verify.stderr);
  assert.match(verify.stdout, `${V1_AUDIT_MESSAGES.length} records`);
  const exported = await runDist(['audit', '--format', 'ndjson', '--store', path]);
  assert.is(exported.code, 0, exported.stderr);
  assert.equal(
    exported.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { message: string }).message),
    V1_AUDIT_MESSAGES,
  );
});

test('audit verify proves it as it is, before anything migrated it: the chain is walked, schema 1 is named (exit 1), nothing is written', async () => {
  requireDist();
  const path = join(dir, 'as-it-is.db');
  writeFirstSchemaStore(path);
  const verify = await runDist(['audit', 'verify', '--local', '--store', path]);
  assert.is(verify.code, 1, verify.stdout + verify.stderr);
  assert.match(verify.stderr, '(3 records checked before it)');
  assert.match(verify.stderr, 'the store is at schema version 1, which keeps no chain head');
  assert.not.match(verify.stderr, 'internal error');
  assert.is(schemaVersion(path), 1, 'verify migrated nothing');
});

test('opening it for writing migrates it; the data survives and the chain continues', () => {
  const path = join(dir, 'write.db');
  writeFirstSchemaStore(path);
  const store = openStore(path);
  try {
    assert.is(store.info().schemaVersion, migrations.at(-1)!.version);
    const run = store.runs.get(V1_RUN.id);
    assert.ok(run, 'the run survives');
    assert.is(run!.status, 'done');
    assert.is(run!.operator, V1_RUN.operator);
    assert.is(run!.pairKey, V1_RUN.pairKey);
    assert.equal(run!.definition, V1_RUN.definition as unknown as typeof run.definition);
    assert.equal(
      store.journal.steps(V1_RUN.id).map((s) => [s.stepId, s.status, s.detail]),
      [['master-key', 'done', 'created']],
    );
    assert.is(store.journal.forRun(V1_RUN.id).length, 1);
    assert.ok(store.snapshots.load(V1_RUN.id), 'the snapshot survives');
    assert.equal(
      store.audit.forRun(V1_RUN.id).map((a) => a.message),
      V1_AUDIT_MESSAGES,
    );
    const verified = store.audit.verify();
    assert.ok(verified.ok, JSON.stringify(verified));
    assert.is(verified.count, V1_AUDIT_MESSAGES.length);
    const next = store.audit.append({ kind: 'note', message: 'after the upgrade' });
    assert.is(next.seq, V1_AUDIT_MESSAGES.length + 1);
    const again = store.audit.verify();
    assert.ok(again.ok && again.count === V1_AUDIT_MESSAGES.length + 1, JSON.stringify(again));
  } finally {
    store.close();
  }
  assert.is(schemaVersion(path), migrations.at(-1)!.version);
  const reopened = openStore(path);
  assert.is(reopened.audit.verify().ok, true);
  reopened.close();
});

test.run();
