// Procedures that change a live session: add or remove the witness, SAFETY FULL/OFF, suspend.
// Each acts on the partner that serves the databases now, so they work after a failover too.
import { UsageError } from '../errors/operator-error.js';
import type { MirrorbookConfig } from '../config/types.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { addWitness, changeSafety, suspendSession } from '../steps/session-mode.js';
import { type WaitLimit, waitSynchronized } from '../steps/wait-synchronized.js';
import { removeWitness } from '../steps/witness.js';

/** The witness's own security (certificates or Windows logins, endpoint, CONNECT) comes from the
 * config's setup steps, which find whatever already exists done; then SET WITNESS per database. */
export function addWitnessProcedure(config: MirrorbookConfig, authSteps: ProcedureDefinition['steps'], wait: WaitLimit): ProcedureDefinition {
  const witness = config.pair.witness;
  if (!witness)
    throw new UsageError(
      'add-witness needs pair.witness in the config',
      'add the witness server (server, port, instance, login, password, mirroringAddress) under pair.witness, then run add-witness',
    );
  return {
    name: 'add-witness',
    title: `Add the witness ${witness.instance} (high safety with automatic failover)`,
    steps: [...authSteps, ...config.databases.map((d) => waitSynchronized(d, wait)), ...config.databases.map((d) => addWitness(d, witness.mirroringAddress))],
  };
}

export function removeWitnessProcedure(config: MirrorbookConfig): ProcedureDefinition {
  return {
    name: 'remove-witness',
    title: 'Remove the witness (SET WITNESS OFF on either partner): no automatic failover afterwards',
    steps: config.databases.map((d) => removeWitness(d)),
  };
}

export function setSafetyProcedure(config: MirrorbookConfig, safety: 'FULL' | 'OFF', wait: WaitLimit): ProcedureDefinition {
  const steps = config.databases.map((d) => changeSafety(d, safety));
  return {
    name: `set-safety-${safety.toLowerCase()}`,
    title:
      safety === 'FULL'
        ? 'SAFETY FULL (high-safety mode): commits wait for the mirror'
        : 'SAFETY OFF (high-performance mode, Enterprise only): commits do not wait; a forced service may lose data',
    steps: safety === 'FULL' ? [...steps, ...config.databases.map((d) => waitSynchronized(d, wait))] : steps,
  };
}

export function suspendProcedure(config: MirrorbookConfig): ProcedureDefinition {
  return { name: 'suspend', title: 'Suspend mirroring (resume-session resumes it)', steps: config.databases.map((d) => suspendSession(d)) };
}
