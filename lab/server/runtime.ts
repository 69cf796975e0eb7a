// What the lab process supplies to an instance's SQL handler. Shaped like lab/control's
// InstanceHooks so the process can pass those straight in.

import type { FaultState, LabState } from '../model.js';

/** One batch an instance received, as the batch log keeps it. */
export interface BatchRecord {
  ts: string;
  instance: string;
  spid: number;
  login: string;
  app: string;
  host: string;
  database: string;
  sql: string;
  rpc: boolean;
  /** Error numbers of the messages with class ≥ 11 the batch produced. */
  errors: number[];
}

export interface InstanceRuntime {
  lab: LabState;
  instanceName: string;
  /** The lab clock: every timestamp and simulated duration. */
  now(): Date;
  /** The lab state changed: persist it. */
  changed(): void;
  logBatch(record: BatchRecord): void;
  fault(): FaultState;
  /** Brings the simulation (mirroring, workload) up to `now`; defaults to lab/mirroring's advanceLab
   * (then `changed()` when it changed anything). */
  advance?(lab: LabState, now: Date): unknown;
}
