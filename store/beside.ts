// Work on a private view of the store done beside the caller, in a worker thread with its own
// read-only connection (store/store-worker.ts): `audit verify` on a large store runs SQLite's
// integrity check and the second part of the chain walk there while the main thread walks the
// first part. The caller's proof is synchronous (one read transaction), so it waits for the answer
// with Atomics.wait; a worker that cannot start, or a job that fails there, answers `undefined` and
// the caller does the work inline (so an error is the inline one).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { BesideJob, BesideAnswer } from './store-worker.js';

/** A worker that has not started within this long (a starved machine) is not waited for. */
const START_WAIT_MS = 30_000;
export const NOT_STARTED = 0;
export const RUNNING = 1;
export const ANSWERED = 2;

/** Below this size a job takes less than a worker costs to start (~0.1 s CPU, ~9 MB). */
const BESIDE_MIN_BYTES = 32 * 1024 * 1024;

/** Whether `viewPath` is a private view large enough for work beside the caller. */
export function besideWorthIt(viewPath: string | undefined): viewPath is string {
  return viewPath !== undefined && statSync(viewPath).size >= BESIDE_MIN_BYTES;
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
(tsx ? import(tsx).then((api) => api.tsImport(entry, entry)) : import(entry)).catch((error) => {
  port.postMessage({ error: String((error && error.message) || error) });
  Atomics.store(flag, 0, ${ANSWERED});
  Atomics.notify(flag, 0);
});
`;

function workerEntry(): { entry: string; tsx?: string } {
  const bundled = new URL('./store-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(bundled))) return { entry: bundled.href };
  return { entry: new URL('./store-worker.ts', import.meta.url).href, tsx: import.meta.resolve('tsx/esm/api') };
}

/** Starts `job` on the view at `path` in a worker thread. */
export function beside<J extends BesideJob>(path: string, job: J): Pending<BesideAnswer<J>> {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  let worker: Worker;
  try {
    worker = new Worker(BOOT, { eval: true, workerData: { ...workerEntry(), flag, port: port2, path, job }, transferList: [port2] });
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
      // Once running, the worker always answers (its job is inside try/catch).
      if (Atomics.wait(flag, 0, NOT_STARTED, START_WAIT_MS) === 'timed-out') {
        dispose();
        return undefined;
      }
      Atomics.wait(flag, 0, RUNNING);
      const message = receiveMessageOnPort(port1)?.message as { answer?: BesideAnswer<J> } | undefined;
      dispose();
      return message?.answer;
    },
  };
}
