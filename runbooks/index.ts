// Procedure names → runbook definitions, built from the validated config. The engine and the CLI
// resolve every procedure through buildProcedure.
import { UsageError } from '../errors/operator-error.js';
import type { MirrorbookConfig } from '../config/types.js';
import type { ProcedureDefinition } from '../machines/procedure.js';
import { cleanup } from './cleanup.js';
import type { RunBackupFiles } from '../steps/remove-backup-files.js';
import { certificateSetup, certificateSetupSteps } from './certificate-setup.js';
import { disable } from './disable.js';
import { domainSetup, domainSetupSteps } from './domain-setup.js';
import { enable, enableSteps } from './enable.js';
import { failback, failover } from './failover.js';
import { promote, resumeSessions } from './promote.js';
import { restore, restoreSteps } from './restore.js';
import { syncLogins } from '../steps/sync-logins.js';
import { syncWaitLimit, type WaitLimit } from '../steps/wait-synchronized.js';
import { copyAgentJobs } from '../steps/agent-jobs.js';
import { addWitnessProcedure, removeWitnessProcedure, setSafetyProcedure, suspendProcedure } from './session-mode.js';
import { isProcedureName, procedureHint, type ProcedureName } from './procedures.js';

export interface ProcedureOptions {
  /** The moment the run started: certificate dates are derived from it, so pass the run's start
   * time when resuming (the definition hash then stays the same on another day). */
  now?: Date;
  /** cleanup: also drop the run anchors on both partners (`run cleanup --drop-anchors`). */
  dropAnchors?: boolean;
  /** cleanup: also delete these seeding backup files the store's runs wrote (`run cleanup --remove-backups`). */
  backupFiles?: RunBackupFiles;
  /** The command's environment: MIRRORBOOK_SYNC_WAIT_MS over the config's waits (default: none set). */
  env?: NodeJS.ProcessEnv;
}

export { PROCEDURES, type ProcedureName } from './procedures.js';

function authSteps(config: MirrorbookConfig, now: Date) {
  return config.auth.mode === 'domain' ? domainSetupSteps(config) : certificateSetupSteps(config, now);
}

type Builder = (config: MirrorbookConfig, now: Date, options: ProcedureOptions, wait: WaitLimit) => ProcedureDefinition;

/** One builder per registered procedure: a name added to the registry without one does not compile. */
const BUILDERS: Record<ProcedureName, Builder> = {
  'domain-setup': (config) => domainSetup(config),
  'certificate-setup': (config, now) => certificateSetup(config, now),
  restore: (config) => restore(config),
  enable: (config, _now, _options, wait) => enable(config, wait),
  setup: (config, now, _options, wait) => ({
    name: 'setup',
    title: `Full setup: ${config.auth.mode === 'domain' ? 'domain' : 'certificate'} authentication, restore, enable`,
    steps: [...authSteps(config, now), ...restoreSteps(config), ...enableSteps(config, wait), syncLogins(config.databases, 'mirror')],
  }),
  failover: (config, _now, _options, wait) => failover(config, wait),
  failback: (config, _now, _options, wait) => failback(config, wait),
  promote: (config, _now, _options, wait) => promote(config, wait),
  'resume-session': (config, _now, _options, wait) => resumeSessions(config, wait),
  'add-witness': (config, now, _options, wait) => addWitnessProcedure(config, authSteps(config, now), wait),
  'remove-witness': (config) => removeWitnessProcedure(config),
  'set-safety-full': (config, _now, _options, wait) => setSafetyProcedure(config, 'FULL', wait),
  'set-safety-off': (config, _now, _options, wait) => setSafetyProcedure(config, 'OFF', wait),
  suspend: (config) => suspendProcedure(config),
  'sync-logins': (config) => ({
    name: 'sync-logins',
    title: 'Application logins on both partners with the same SIDs, passwords, default databases and server roles',
    steps: [syncLogins(config.databases, 'principal'), syncLogins(config.databases, 'mirror')],
  }),
  'copy-agent-jobs': (config) => ({
    name: 'copy-agent-jobs',
    title: 'SQL Agent jobs touching the mirrored databases on both partners (copies created disabled)',
    steps: [copyAgentJobs(config.databases, 'mirror'), copyAgentJobs(config.databases, 'principal')],
  }),
  disable: (config) => disable(config),
  cleanup: (config, _now, options) =>
    cleanup(config, { ...(options.dropAnchors ? { dropAnchors: true } : {}), ...(options.backupFiles ? { backupFiles: options.backupFiles } : {}) }),
};

export function buildProcedure(name: string, config: MirrorbookConfig, options: ProcedureOptions = {}): ProcedureDefinition {
  if (!isProcedureName(name)) throw new UsageError(`unknown procedure '${name}'`, procedureHint(name));
  return BUILDERS[name](config, options.now ?? new Date(), options, syncWaitLimit(config, options.env ?? {}));
}
