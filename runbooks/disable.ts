// Remove mirroring (typed confirmation), then bring the old mirror copies online WITH RECOVERY.
import type { MirrorbookConfig } from '../config/types.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { recoverOldMirror, removePartners } from '../steps/remove-partner.js';

export function disable(config: MirrorbookConfig): ProcedureDefinition {
  return {
    name: 'disable',
    title: 'Remove mirroring and bring the old mirror copies online',
    steps: [removePartners(config.databases, config.pair.principal.instance), ...config.databases.map((d) => recoverOldMirror(d))],
  };
}
