import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { SELECT_AUDIT, hashOf, type AuditRow } from '../../store/audit-chain.js';
import { openStore } from '../../store/index.js';
import { tempStore } from './support.js';
import { fillAudit, tamper } from './tamper.js';

test('an edited field is caught at its seq', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 10);
    tamper(t.path, "UPDATE audit SET result = 'error' WHERE seq = 6");
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (v.ok) return;
    assert.is(v.firstBad.seq, 6);
    assert.is(v.firstBad.problem, 'edited');
    assert.is(v.count, 5);
  } finally {
    t.cleanup();
  }
});

test('an edit that also recomputes the record hash is caught at the next record', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 10);
    tamper(t.path, "UPDATE audit SET sql = 'SELECT 0', hash = 'f' || substr(hash, 2) WHERE seq = 3");
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (!v.ok) assert.is(v.firstBad.seq, 3);
  } finally {
    t.cleanup();
  }
});

test('bytes edited in the file itself, behind SQLite, are caught', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 5);
    t.store.close(); // checkpoints the WAL into the main file
    const bytes = readFileSync(t.path);
    const at = bytes.indexOf('SELECT 3');
    assert.ok(at > 0);
    bytes.write('SELECT 9', at);
    writeFileSync(t.path, bytes);
    const store = openStore(t.path);
    const v = store.audit.verify();
    store.close();
    assert.is(v.ok, false);
    if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [3, 'edited']);
  } finally {
    t.cleanup();
  }
});

test('the newest record edited and re-hashed (a valid chain) is caught by the chain head', () => {
  const t = tempStore();
  try {
    fillAudit(t.store, 4);
    const raw = new Database(t.path);
    const row = raw.prepare(`${SELECT_AUDIT} WHERE seq = 4`).raw().get() as AuditRow;
    row[11] = 'SELECT 40';
    row[17] = hashOf(raw, row);
    raw.close();
    tamper(t.path, `UPDATE audit SET sql = 'SELECT 40', hash = '${row[17]}' WHERE seq = 4`);
    const v = t.store.audit.verify();
    assert.is(v.ok, false);
    if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [4, 'edited']);
    tamper(t.path, 'DELETE FROM audit_head');
    const headless = t.store.audit.verify();
    assert.is(headless.ok, false);
  } finally {
    t.cleanup();
  }
});

test.run();
