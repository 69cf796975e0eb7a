// A worker thread's part of `audit verify` on a large store (store/beside.ts starts it): one job on
// its own read-only connection to the private view — SQLite's integrity check, or the walk of the
// chain from a seq on — answered through the port, with the flag the waiting caller watches.
import Database from 'better-sqlite3';
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { walkSegment, type Segment } from './audit-verify.js';
import { ANSWERED, RUNNING } from './beside.js';
import { SCAN_CACHE_SIZE, integrityCheckInline, type IntegrityLines } from './integrity-check.js';

export type BesideJob = { kind: 'integrity' } | { kind: 'walk'; from: number; headSeq?: number; key?: Uint8Array };
export type BesideAnswer<J extends BesideJob> = J extends { kind: 'integrity' } ? IntegrityLines : Segment;

const { flag, port, path, job } = workerData as { flag: Int32Array; port: MessagePort; path: string; job: BesideJob };
Atomics.store(flag, 0, RUNNING);
Atomics.notify(flag, 0);
let message: { answer?: IntegrityLines | Segment; error?: string };
try {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma(`cache_size = ${SCAN_CACHE_SIZE}`);
    message = { answer: run(db, job) };
  } finally {
    db.close();
  }
} catch (error) {
  message = { error: String((error as Error | undefined)?.message ?? error) };
}
port.postMessage(message);
Atomics.store(flag, 0, ANSWERED);
Atomics.notify(flag, 0);

function run(db: Database.Database, job: BesideJob): IntegrityLines | Segment {
  if (job.kind === 'integrity') return integrityCheckInline(db);
  return walkSegment(db, {
    from: job.from,
    ...(job.headSeq === undefined ? {} : { headSeq: job.headSeq }),
    ...(job.key ? { key: Buffer.from(job.key.buffer, job.key.byteOffset, job.key.byteLength) } : {}),
  });
}
