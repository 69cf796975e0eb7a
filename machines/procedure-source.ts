// Where procedures come from. The CLI resolves a procedure name to a runbook, the pair it acts on
// and the connections to that pair through a ProcedureSource: the real procedures (runbooks/ with
// the config file), or a module named by env MIRRORBOOK_RUNBOOKS (test runbooks, rehearsals).
//
// A module given in MIRRORBOOK_RUNBOOKS exports:
//   names(): string[]
//   load(name, { configPath, env, cwd }): Promise<LoadedProcedure>

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import type { RunbookDefinition } from './runbook.js';
import type { SqlTargets } from './sql-targets.js';
import { EngineRefusal } from './errors.js';
import { nearest } from '../config/nearest.js';

export interface LoadOptions {
  configPath: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** When the run started: procedures that derive values from the date (certificate validity)
   * must build the same definition on resume. */
  now?: Date;
}

export interface LoadedProcedure {
  runbook: RunbookDefinition;
  /** Identifies the mirroring pair (one run per pair at a time), e.g. "SQLPRI01+SQLMIR01". */
  pairKey: string;
  /** Opened lazily: `plan` never connects. */
  targets(): SqlTargets;
  /** Called synchronously after every durable commit, once per part of it (intent, outcome, step,
   * checkpoint, in that commit's order); lets a rehearsal or a test stop the process at an exact
   * boundary. */
  onCheckpoint?(label: string): void;
}

export interface ProcedureSource {
  names(): string[];
  load(name: string, options: LoadOptions): Promise<LoadedProcedure>;
}

function isSource(value: unknown): value is ProcedureSource {
  const v = value as Partial<ProcedureSource> | null;
  return !!v && typeof v.names === 'function' && typeof v.load === 'function';
}

export async function loadProcedureSource(env: NodeJS.ProcessEnv, cwd: string): Promise<ProcedureSource> {
  const modulePath = env.MIRRORBOOK_RUNBOOKS;
  if (modulePath) {
    const mod: unknown = await import(pathToFileURL(resolve(cwd, modulePath)).href);
    if (!isSource(mod)) {
      throw new EngineRefusal(`MIRRORBOOK_RUNBOOKS=${modulePath} does not export names() and load()`, 'see machines/procedure-source.ts for the module contract', 2);
    }
    return mod;
  }
  const { realProcedures } = await import('./real-procedures.js');
  return realProcedures;
}

export async function loadProcedure(name: string, options: LoadOptions): Promise<LoadedProcedure> {
  const source = await loadProcedureSource(options.env, options.cwd);
  if (!source.names().includes(name)) {
    const near = nearest(name, source.names());
    throw new EngineRefusal(`unknown procedure '${name}'`, `${near ? `did you mean '${near}'? ` : ''}procedures: ${source.names().join(', ') || '(none)'}`, 2);
  }
  return source.load(name, options);
}
