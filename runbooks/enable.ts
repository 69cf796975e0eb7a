// Start the sessions: SET PARTNER on the mirror, then on the principal (catching up a log backup
// taken mid-setup), per database; wait for SYNCHRONIZED; then the optional witness (it needs a
// caught-up mirror, 1426) and safety.
import type { MirrorbookConfig } from '../config/types.js';
import type { ProcedureDefinition, StepDefinition } from '../machines/procedure.js';
import { setPartner, setSafety, setWitness, startSession } from '../steps/set-partner.js';
import { type WaitLimit, waitSynchronized } from '../steps/wait-synchronized.js';

export function enableSteps(config: MirrorbookConfig, wait: WaitLimit): StepDefinition[] {
  const { principal, mirror, witness } = config.pair;
  const steps: StepDefinition[] = [];
  for (const database of config.databases) {
    steps.push(
      setPartner('mirror', database, principal.mirroringAddress),
      startSession(config.backup, database, principal.mirroringAddress, mirror.mirroringAddress),
    );
  }
  for (const database of config.databases) steps.push(waitSynchronized(database, wait));
  if (witness) for (const database of config.databases) steps.push(setWitness(database, witness.mirroringAddress));
  if (config.safety === 'OFF') for (const database of config.databases) steps.push(setSafety(database, 'OFF'));
  return steps;
}

export function enable(config: MirrorbookConfig, wait: WaitLimit): ProcedureDefinition {
  return { name: 'enable', title: 'Start mirroring: SET PARTNER on the mirror, then the principal; wait for SYNCHRONIZED', steps: enableSteps(config, wait) };
}
