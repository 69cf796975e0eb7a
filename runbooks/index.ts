// Procedure names → runbook definitions, built from the validated config. The engine and the CLI
// resolve every procedure through getRunbook.
import { UsageError } from '../errors/operator-error.js';
import type { MirrorbookConfig } from '../config/types.js';
import type { RunbookDefinition } from '../machines/runbook.js';
import { cleanup } from './cleanup.js';
import { certificateSetup, certificateSetupSteps } from './certificate-setup.js';
import { disable } from './disable.js';
import { domainSetup, domainSetupSteps } from './domain-setup.js';
import { enable, enableSteps } from './enable.js';
import { failback, failover } from './failover.js';
import { promote, resumeSessions } from './promote.js';
import { restore, restoreSteps } from './restore.js';
import { addWitnessProcedure, removeWitnessProcedure, setSafetyProcedure, suspendProcedure } from './session-mode.js';

export interface RunbookOptions {
  /** The moment the run started: certificate dates are derived from it, so pass the run's start
   * time when resuming (the definition hash then stays the same on another day). */
  now?: Date;
}

export const PROCEDURES = [
  { name: 'domain-setup', summary: 'Windows-auth endpoints, logins and CONNECT for the domain service account' },
  { name: 'certificate-setup', summary: 'master keys, certificates, endpoints, peer logins/users/certificates, CONNECT' },
  { name: 'restore', summary: 'seed the mirror: full + log backups restored WITH NORECOVERY' },
  { name: 'enable', summary: 'SET PARTNER on the mirror, then the principal; wait for SYNCHRONIZED' },
  { name: 'setup', summary: 'the config\'s auth setup, then restore, then enable' },
  { name: 'failover', summary: 'planned failover of every database to the configured mirror' },
  { name: 'failback', summary: 'planned failover of every database back to the configured principal' },
  { name: 'promote', summary: 'forced service on the mirror after the principal is lost (data loss)' },
  { name: 'resume-session', summary: 'resume suspended sessions after the old principal is back' },
  { name: 'add-witness', summary: 'the witness\'s security, then SET WITNESS on every database (automatic failover)' },
  { name: 'remove-witness', summary: 'SET WITNESS OFF on whichever partner answers' },
  { name: 'set-safety-full', summary: 'SAFETY FULL on a live session (high safety), then wait for SYNCHRONIZED' },
  { name: 'set-safety-off', summary: 'SAFETY OFF on a live session (high performance; Enterprise edition checked)' },
  { name: 'suspend', summary: 'suspend the sessions (resume-session resumes them)' },
  { name: 'disable', summary: 'remove mirroring; bring the old mirror copies online WITH RECOVERY' },
  { name: 'cleanup', summary: 'after disable: drop endpoints, peer certificates, users and logins' },
] as const;

export type ProcedureName = (typeof PROCEDURES)[number]['name'];

function authSteps(config: MirrorbookConfig, now: Date) {
  return config.auth.mode === 'domain' ? domainSetupSteps(config) : certificateSetupSteps(config, now);
}

export function getRunbook(name: string, config: MirrorbookConfig, options: RunbookOptions = {}): RunbookDefinition {
  const now = options.now ?? new Date();
  switch (name) {
    case 'domain-setup':
      return domainSetup(config);
    case 'certificate-setup':
      return certificateSetup(config, now);
    case 'restore':
      return restore(config, now);
    case 'enable':
      return enable(config);
    case 'setup':
      return { name: 'setup', title: `Full setup: ${config.auth.mode === 'domain' ? 'domain' : 'certificate'} authentication, restore, enable`, steps: [...authSteps(config, now), ...restoreSteps(config, now), ...enableSteps(config)] };
    case 'add-witness':
      return addWitnessProcedure(config, authSteps(config, now));
    case 'remove-witness':
      return removeWitnessProcedure(config);
    case 'set-safety-full':
      return setSafetyProcedure(config, 'FULL');
    case 'set-safety-off':
      return setSafetyProcedure(config, 'OFF');
    case 'suspend':
      return suspendProcedure(config);
    case 'failover':
      return failover(config);
    case 'failback':
      return failback(config);
    case 'promote':
      return promote(config);
    case 'resume-session':
      return resumeSessions(config);
    case 'disable':
      return disable(config);
    case 'cleanup':
      return cleanup(config);
    default:
      throw new UsageError(`unknown procedure '${name}'`, `procedures: ${PROCEDURES.map((p) => p.name).join(', ')}`);
  }
}
