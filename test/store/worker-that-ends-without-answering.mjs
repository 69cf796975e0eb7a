// A worker for store/beside.ts that starts its job and ends without answering, as one that exits
// or dies half way would: the caller must not wait for it.
import { workerData } from 'node:worker_threads';

const RUNNING = 1;
Atomics.store(workerData.flag, 0, RUNNING);
Atomics.notify(workerData.flag, 0);
process.exit(0);
