// The real procedures (runbooks/) on the pair named in the config file. Until runbooks/index.ts
// lands this source knows no procedure and says how to load test runbooks instead.

import type { ProcedureSource } from './procedure-source.js';
import { EngineRefusal } from './errors.js';

export const realProcedures: ProcedureSource = {
  names: () => [],
  load: async (name) => {
    throw new EngineRefusal(`procedure '${name}' is not available in this build`, 'set MIRRORBOOK_RUNBOOKS=path/to/module.js to load runbooks from a module', 2);
  },
};
