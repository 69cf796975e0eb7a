// What a statement implementation gets to work with. One ExecEnv per statement of a batch.

import type { ResponseItem, SessionInfo } from '../tds/handler.js';
import type { InstanceState, LabState } from '../model.js';

export interface ExecEnv {
  lab: LabState;
  instance: InstanceState;
  session: SessionInfo;
  /** 1-based line in the batch where the statement starts (for ERROR/INFO tokens). */
  line: number;
  /** Streams response items (rows, messages, progress INFO) to the client. */
  emit(item: ResponseItem): void;
  /** Aborted by ATTENTION or a dropped connection: long operations stop and roll back. */
  signal: AbortSignal;
  /** The lab's clock (tests may drive it); use it for every timestamp and duration. */
  now(): Date;
  /** Waits `ms` of simulated work, rejecting when `signal` aborts. */
  work(ms: number): Promise<void>;
  /** Marks the lab state as changed so it is persisted. */
  changed(): void;
  /** INFO message helper (class 0..10). */
  info(number: number, message: string): void;
}
