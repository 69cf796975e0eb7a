// Shared setup for the store tests: a fresh store in its own temporary directory, a run to hang
// journal entries and audit records on, and the StoreError a call must throw.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { openStore, StoreError } from '../../store/index.js';
import type { AuditVerification, DefinitionSummary, RunInput, Store } from '../../store/index.js';

/** Node's arguments for another process writing the store from TypeScript as the test does
 * (test/helpers/ts-loader.mjs), without tsx's ~0.5 s of CPU to load. */
export const TS_NODE_ARGS = ['--import', new URL('../helpers/ts-loader.mjs', import.meta.url).href];

export interface TempStore {
  store: Store;
  path: string;
  dir: string;
  cleanup(): void;
}

export function tempStore(): TempStore {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-store-'));
  const path = join(dir, 'nested', 'state.db');
  const store = openStore(path);
  return {
    store,
    path,
    dir,
    cleanup() {
      try {
        store.close();
      } catch {
        /* already closed by the test */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const definition: DefinitionSummary = {
  name: 'certificate-setup',
  title: 'Certificate-based mirroring setup',
  steps: [
    {
      id: 'master-key',
      title: 'Create the master key',
      target: 'principal',
      manual: false,
      destructive: false,
      statements: [{ target: 'principal', sql: "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'****'" }],
    },
    {
      id: 'set-partner',
      title: 'Set the partner on the principal',
      target: 'principal',
      manual: false,
      destructive: false,
      statements: [{ target: 'principal', sql: "ALTER DATABASE [Sales] SET PARTNER = N'TCP://mirror.lab:5022'" }],
    },
    { id: 'copy-backup', title: 'Copy the backup to the mirror', target: 'operator', manual: true, destructive: false, statements: [] },
  ],
};

export function runInput(id = 'run-1', pairKey = 'SQLA|SQLB'): RunInput {
  return {
    id,
    procedure: 'certificate-setup',
    pairKey,
    definitionHash: 'sha256:abc',
    definition,
    operator: 'alice',
    osUser: 'alice',
    host: 'dbhost',
    pid: process.pid,
    argv: ['run', 'certificate-setup'],
  };
}

/** The verified record count of an intact chain, or what broke it (so a failure says why). */
export function intactCount(v: AuditVerification): number | string {
  return v.ok ? v.count : `broken at ${v.firstBad.seq}: ${v.firstBad.detail}`;
}

/** The StoreError `fn` throws, which must carry a hint (the test fails when it throws nothing or something else). */
export function storeErrorOf(fn: () => unknown): StoreError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, StoreError, `expected a StoreError, got ${String(error)}`);
    const e = error as StoreError;
    assert.ok(e.hint.length > 10, 'carries a hint');
    return e;
  }
  throw new Error('expected a StoreError, nothing was thrown');
}
