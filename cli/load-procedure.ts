// The composition root of a run: a procedure name becomes a procedure (runbooks/) on the pair named
// in the config file, over mssql connections (steps/connection.ts, which loads mssql only when a
// statement is sent) — or, with env MIRRORBOOK_RUNBOOKS, the procedures a module exports (tests,
// rehearsals; contract in machines/procedure-source.ts).

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { nearest } from '../config/nearest.js';
import { EngineRefusal } from '../machines/errors.js';
import type { LoadedProcedure, LoadOptions, ProcedureSource } from '../machines/procedure-source.js';

function isSource(value: unknown): value is ProcedureSource {
  const v = value as Partial<ProcedureSource> | null;
  return !!v && typeof v.names === 'function' && typeof v.load === 'function';
}

/** Why node cannot load a module given by path: a TypeScript module where no loader runs it (the
 * shipped CLI on a node without type stripping; a test run from the test bundle, test/run.mjs),
 * TypeScript that type stripping refuses, a path (or an import in it) that is not there. */
const UNLOADABLE = new Set(['ERR_UNKNOWN_FILE_EXTENSION', 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX', 'ERR_MODULE_NOT_FOUND', 'ERR_UNSUPPORTED_DIR_IMPORT']);

export async function loadProcedureSource(env: NodeJS.ProcessEnv, cwd: string): Promise<ProcedureSource> {
  const modulePath = env.MIRRORBOOK_RUNBOOKS;
  if (modulePath) {
    const mod: unknown = await import(pathToFileURL(resolve(cwd, modulePath)).href).catch((error: unknown) => {
      if (!UNLOADABLE.has((error as NodeJS.ErrnoException | null)?.code ?? '')) throw error;
      throw new EngineRefusal(
        `MIRRORBOOK_RUNBOOKS=${modulePath} is not a module node can load here (${(error as Error).message})`,
        'name a JavaScript module (.js, .mjs) that exists, or run mirrorbook from its sources under a TypeScript loader such as tsx',
        2,
      );
    });
    if (!isSource(mod)) {
      throw new EngineRefusal(
        `MIRRORBOOK_RUNBOOKS=${modulePath} does not export names() and load()`,
        'see machines/procedure-source.ts for the module contract',
        2,
      );
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
