import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, proveStoreFile, StoreError } from '../../store/index.js';
import { runInput } from './support.js';

test('a new store: its directory 0700, the file and its WAL 0600', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-private-'));
  try {
    const path = join(dir, '.mirrorbook', 'state.db');
    const store = openStore(path);
    store.runs.create(runInput());
    assert.is(statSync(join(dir, '.mirrorbook')).mode & 0o777, 0o700);
    assert.is(statSync(path).mode & 0o777, 0o600);
    assert.is(statSync(`${path}-wal`).mode & 0o777, 0o600);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a store an older build left world-readable becomes 0600 when it is opened for writing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-private-'));
  try {
    const path = join(dir, 'state.db');
    openStore(path).close();
    chmodSync(path, 0o644);
    openStore(path).close();
    assert.is(statSync(path).mode & 0o777, 0o600);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a 0-byte store is refused by reads, verify and writes alike, and stays 0 bytes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-private-'));
  try {
    const path = join(dir, 'state.db');
    writeFileSync(path, '');
    for (const open of [() => openStore(path, { readonly: true }), () => openStore(path), () => proveStoreFile(path)]) {
      try {
        open();
        assert.unreachable('a 0-byte store was opened');
      } catch (error) {
        assert.instance(error, StoreError);
        assert.match((error as StoreError).message, 'is empty (0 bytes)');
      }
      assert.is(statSync(path).size, 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing store is not created by a read or by verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-private-'));
  try {
    const path = join(dir, 'state.db');
    assert.throws(() => openStore(path, { readonly: true }), /there is no store/);
    assert.throws(() => proveStoreFile(path), /there is no store/);
    assert.is(existsSync(path), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
