// Where procedures come from, as the engine sees them. The CLI (cli/load-procedure.ts) resolves a
// procedure name to a procedure, the pair it acts on and the connections to that pair through a
// ProcedureSource: the real procedures (runbooks/ with the config file), or a module named by env
// MIRRORBOOK_RUNBOOKS (test runbooks, rehearsals).
//
// A module given in MIRRORBOOK_RUNBOOKS exports:
//   names(): string[]
//   load(name, { configPath, env, cwd }): Promise<LoadedProcedure>

import type { ProcedureDefinition } from './procedure.js';
import type { SqlTargets } from './sql-targets.js';
import type { Finding } from '../preflight/check.js';

export interface LoadOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** When the run started: procedures that derive values from the date (certificate validity)
   * must build the same definition on resume. */
  now?: Date;
  /** `run cleanup --drop-anchors` (and its resume): the cleanup drops the run anchors too. */
  dropAnchors?: boolean;
  /** `run cleanup --remove-backups` (and its resume): the store whose runs' seeding backup files the
   * cleanup deletes (cli/run-backup-files.ts reads them from its audit trail). */
  removeBackupsOf?: string;
}

export interface LoadedProcedure {
  definition: ProcedureDefinition;
  /** Identifies the mirroring pair (one run per pair at a time), e.g. "SQLPRI01+SQLMIR01". */
  pairKey: string;
  /** The read-only preflight (preflight/): every check with the servers (`online`), or only
   * those that read the config. `run` sends no change while a finding is 'fail'. */
  preflight?(online: boolean): Promise<Finding[]>;
  /** Takes the pair's lock on the servers for a run (steps/pair-lock.ts); throws an error named
   * 'PairLocked' when another run holds it. Absent: the local lock only (test procedures). */
  lockPair?(record: { owner: string; host: string; pid: number; runId: string; procedure: string }): Promise<ServerLock>;
  /** Opened lazily: `plan` never connects. */
  targets(): SqlTargets;
  /** Called synchronously after every durable commit, once per part of it (intent, outcome, step,
   * checkpoint, in that commit's order); lets a rehearsal or a test stop the process at an exact
   * boundary. */
  onCheckpoint?(label: string): void;
}

/** The pair's lock as held on the servers for one run. */
export interface ServerLock {
  /** Before each change: still held (a dropped connection's lock is taken again: returns where);
   * throws when it cannot be. */
  ensure?(): Promise<string[]>;
  /** Before a change goes to a partner the run did not lock at its start (it did not answer then):
   * takes the lock there; returns its instance when it was taken now. */
  holdOn?(role: 'principal' | 'mirror'): Promise<string | undefined>;
  release(): Promise<void>;
}

export interface ProcedureSource {
  names(): string[];
  load(name: string, options: LoadOptions): Promise<LoadedProcedure>;
}
