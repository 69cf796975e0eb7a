// Work on a private view of the store done beside the caller, in a worker thread with its own
// read-only connection (store/store-worker.ts): `audit verify` on a large store runs SQLite's
// integrity check and the second part of the chain walk there while the main thread walks the
// first part. The caller's proof is synchronous (one read transaction), so it waits for the answer
// with Atomics.wait; a worker that cannot start, a job that fails there, and a worker that ends or
// stops answering without an answer give `undefined` and the caller does the work inline (so an
// error is the inline one).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { BesideJob, BesideAnswer } from './store-worker.js';

/** A worker that has not started within this long (a starved machine) is not waited for. */
const START_WAIT_MS = 30_000;
/** A started worker that has not answered within this long is given up: one that died without
 * running JavaScript (out of memory) can say nothing, and the caller, blocked in Atomics.wait, cannot
 * see its 'exit' event. The jobs take seconds on a million records; the inline work is the fallback. */
const ANSWER_WAIT_MS = 120_000;
export const NOT_STARTED = 0;
export const RUNNING = 1;
export const ANSWERED = 2;
/** The worker ended without answering (BOOT's exit handler, which runs in the worker). */
export const ENDED = 3;

/** Below this size a job takes less than a worker costs to start (~0.1 s CPU, ~9 MB). Tests and
 * diagnostics lower it with MIRRORBOOK_BESIDE_MIN_BYTES, so the worker runs on a small store. */
const BESIDE_MIN_BYTES = 32 * 1024 * 1024;

function besideMinBytes(env: NodeJS.ProcessEnv): number {
  const given = env.MIRRORBOOK_BESIDE_MIN_BYTES;
  return given !== undefined && /^\d+$/.test(given) ? Number(given) : BESIDE_MIN_BYTES;
}

/** Whether `viewPath` is a private view large enough for work beside the caller. */
export function besideWorthIt(viewPath: string | undefined, env: NodeJS.ProcessEnv = process.env): viewPath is string {
  return viewPath !== undefined && statSync(viewPath).size >= besideMinBytes(env);
}

/** A job under way: `answer()` waits for it (undefined: do it inline); `dispose()` ends a worker whose
 * answer is no longer wanted (the caller failed first), so it neither keeps the process alive nor reads on. */
export interface Pending<T> {
  answer(): T | undefined;
  dispose(): void;
}

// The CLI bundle has the worker as dist/store-worker.js beside its chunks; the TypeScript source
// (tests, development) loads store-worker.ts through tsx, which a worker does not inherit on Node 20.
const BOOT = `
const { workerData } = require('node:worker_threads');
const { entry, tsx, flag, port } = workerData;
process.on('exit', () => {
  if (Atomics.load(flag, 0) === ${ANSWERED}) return;
  Atomics.store(flag, 0, ${ENDED});
  Atomics.notify(flag, 0);
});
(tsx ? import(tsx).then((api) => api.tsImport(entry, entry)) : import(entry)).catch((error) => {
  port.postMessage({ error: String((error && error.message) || error) });
  Atomics.store(flag, 0, ${ANSWERED});
  Atomics.notify(flag, 0);
});
`;

function workerEntry(entry: URL | undefined): { entry: string; tsx?: string } {
  const tsx = (): string => import.meta.resolve('tsx/esm/api');
  if (entry) return { entry: entry.href, ...(entry.pathname.endsWith('.ts') ? { tsx: tsx() } : {}) };
  const bundled = new URL('./store-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return { entry: bundled.href };
  return { entry: new URL('./store-worker.ts', import.meta.url).href, tsx: tsx() };
}

/** Starts `job` on the view at `path` in a worker thread running `entry` (default: store-worker). */
export function beside<J extends BesideJob>(path: string, job: J, entry?: URL): Pending<BesideAnswer<J>> {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    worker = new Worker(BOOT, { eval: true, workerData: { ...workerEntry(entry), flag, port: port2, path, job }, transferList: [port2] });
  } catch {
    port1.close();
    return { answer: () => undefined, dispose: () => {} };
  }
  let done = false;
  const dispose = (): void => {
    if (done) return;
    done = true;
    port1.close();
    void worker.terminate();
  };
  return {
    dispose,
    answer() {
      if (done) return undefined;
      // Once running, the worker answers (its job is inside try/catch) or says it ended without.
      if (Atomics.wait(flag, 0, NOT_STARTED, START_WAIT_MS) === 'timed-out') {
        dispose();
        return undefined;
      }
      Atomics.wait(flag, 0, RUNNING, ANSWER_WAIT_MS);
      if (Atomics.load(flag, 0) !== ANSWERED) {
        dispose();
        return undefined;
      }
      const message = receiveMessageOnPort(port1)?.message as { answer?: BesideAnswer<J> } | undefined;
      dispose();
      return message?.answer;
    },
  };
}
