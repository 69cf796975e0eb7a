// ALTER DATABASE … SET PARTNER / SET WITNESS as the parser delivers them → lab/mirroring.

import type { AlterDatabaseStatement } from '../sql/ast.js';
import type { ExecEnv } from '../server/env.js';
import { syntaxError } from '../errors.js';
import { failover, forceService, partnerOff, resume, setSafety, setTimeout, suspend } from './partner-options.js';
import { setPartner } from './set-partner.js';
import { setWitness, witnessOff } from './witness.js';

export async function executeMirroringOption(env: ExecEnv, stmt: AlterDatabaseStatement): Promise<void> {
  const name = stmt.name.toUpperCase() === 'CURRENT' ? env.session.database : stmt.name;
  const action = stmt.action;
  switch (action.kind) {
    case 'partner':
      return setPartner(env, name, action.address);
    case 'partnerOption':
      if (action.option === 'FAILOVER') return failover(env, name);
      if (action.option === 'FORCE_SERVICE_ALLOW_DATA_LOSS') return forceService(env, name);
      if (action.option === 'OFF') return partnerOff(env, name);
      if (action.option === 'RESUME') return resume(env, name);
      return suspend(env, name);
    case 'partnerSafety':
      return setSafety(env, name, action.safety);
    case 'partnerTimeout':
      return setTimeout(env, name, action.seconds);
    case 'witness':
      return setWitness(env, name, action.address);
    case 'witnessOff':
      return witnessOff(env, name);
    default:
      throw syntaxError(action.kind);
  }
}
