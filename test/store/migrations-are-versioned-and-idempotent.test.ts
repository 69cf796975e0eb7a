import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { openStore, StoreError } from '../../store/index.js';
import { migrations } from '../../store/migrations/index.js';
import { GENESIS_HASH, hashOf } from '../../store/audit-chain.js';
import { tempStore, intactCount } from './support.js';

const latest = migrations.at(-1)!.version;

function appliedVersions(path: string): number[] {
  const raw = new Database(path, { readonly: true });
  const rows = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all() as number[];
  raw.close();
  return rows;
}

/** A store as the first release (schema version 1) left it: one run and one audit record. */
function versionOneStore(path: string): void {
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  raw.exec(migrations[0]!.sql);
  raw.prepare("INSERT INTO schema_migrations VALUES (1, 'initial', '2026-01-01T00:00:00.000Z')").run();
  raw
    .prepare(`INSERT INTO runs VALUES ('run-1', 'certificate-setup', 'SQLA|SQLB', 'sha256:abc', '{"name":"certificate-setup","title":"t","steps":[]}',
    'alice', 'alice', 'dbhost', 1234, '["run"]', 'done', 0, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z')`)
    .run();
  // A record of schema 1: no pid column, hashed without one.
  const row: unknown[] = [
    1,
    '2026-01-01T00:00:00.000Z',
    'run-1',
    'note',
    'alice',
    'alice',
    'dbhost',
    null,
    null,
    null,
    null,
    null,
    null,
    null,
    'written at version 1',
    null,
    GENESIS_HASH,
    '',
  ];
  row[17] = hashOf(raw, row);
  raw.prepare(`INSERT INTO audit VALUES (${row.map(() => '?').join(', ')})`).run(row);
  raw.close();
}

test('opening a store again applies nothing twice', () => {
  const t = tempStore();
  try {
    t.store.close();
    openStore(t.path).close();
    openStore(t.path).close();
    assert.equal(
      appliedVersions(t.path),
      migrations.map((m) => m.version),
    );
  } finally {
    t.cleanup();
  }
});

test('a store written by an older build migrates forward and keeps its data', () => {
  const t = tempStore();
  t.store.close();
  const path = t.path.replace('state.db', 'old.db');
  try {
    versionOneStore(path);
    assert.equal(appliedVersions(path), [1]);
    const upgraded = openStore(path);
    assert.is(upgraded.info().schemaVersion, latest);
    assert.equal(
      appliedVersions(path),
      migrations.map((m) => m.version),
    );
    assert.is(upgraded.runs.get('run-1')?.status, 'done');
    assert.equal(intactCount(upgraded.audit.verify()), 1);
    upgraded.audit.append({ kind: 'note', runId: 'run-1', message: 'written after the upgrade' });
    assert.equal(intactCount(upgraded.audit.verify()), 2);
    assert.equal(
      upgraded.audit.forRun('run-1').map((r) => r.message),
      ['written at version 1', 'written after the upgrade'],
    );
    upgraded.close();
  } finally {
    t.cleanup();
  }
});

test('a store from a newer build is refused, untouched', () => {
  const t = tempStore();
  try {
    t.store.close();
    const raw = new Database(t.path);
    raw.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from-the-future', '2030-01-01T00:00:00.000Z')").run(latest + 1);
    raw.close();
    const before = readFileSync(t.path);
    try {
      openStore(t.path);
      assert.unreachable('a newer store was opened');
    } catch (error) {
      assert.instance(error, StoreError);
      assert.is((error as StoreError).code, 'too-new');
      assert.match((error as StoreError).message, `schema version ${latest + 1}`);
      assert.ok((error as StoreError).hint.length > 0);
    }
    assert.equal(readFileSync(t.path), before);
  } finally {
    t.cleanup();
  }
});

test('a read-only open of a store that needs migrating says so instead of migrating', () => {
  const t = tempStore();
  t.store.close();
  const path = t.path.replace('state.db', 'old.db');
  try {
    versionOneStore(path);
    openStore(path, { readonly: true });
    assert.unreachable('a read-only store was migrated');
  } catch (error) {
    assert.instance(error, StoreError);
    assert.match((error as StoreError).message, 'needs migrating');
    assert.equal(appliedVersions(path), [1]);
  } finally {
    t.cleanup();
  }
});

test.run();
