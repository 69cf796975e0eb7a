// Optional after disable: remove what the setup created for mirroring — the endpoint first (it
// uses the certificate and the grants), then per peer its certificate, user and login, then the
// instance's own certificate. The master key stays: other features may depend on it. The run
// anchors (steps/run-anchor.ts) stay too unless asked for (`--drop-anchors`): they are the servers'
// record of every run, which `audit verify` cross-checks the store with. The seeding backup files
// the runs wrote go only when asked for (`--remove-backups`), last, after a typed count.
import type { MirrorbookConfig } from '../config/types.js';
import { endpointNameOf, partners } from '../config/types.js';
import type { ProcedureDefinition, StepDefinition } from '../machines/procedure.js';
import { dropObject } from '../steps/drop-object.js';
import { dropAnchors } from '../steps/run-anchor.js';
import { removeRunBackupFiles, type RunBackupFiles } from '../steps/remove-backup-files.js';

/** Each file goes on the partner whose configured instance wrote it (case-insensitive, as
 * @@SERVERNAME compares): the roles in the config may have swapped since. What stays is told on
 * the principal's step, which is there even when nothing is to go. */
function removeBackupSteps(config: MirrorbookConfig, written: RunBackupFiles): StepDefinition[] {
  const roles = ['principal', 'mirror'] as const;
  const roleOf = (server: string | null) => roles.find((role) => server !== null && config.pair[role].instance.toLowerCase() === server.toLowerCase());
  const unmatched = written.files.filter((f) => roleOf(f.server) === undefined);
  return roles.flatMap((target) => {
    const files = written.files.filter((f) => roleOf(f.server) === target);
    const leftAlone = target === 'principal' ? { keptRuns: written.keptRuns, unmatched } : { keptRuns: [], unmatched: [] };
    return files.length > 0 || leftAlone.keptRuns.length + leftAlone.unmatched.length > 0 ? [removeRunBackupFiles(target, files, leftAlone)] : [];
  });
}

export function cleanup(config: MirrorbookConfig, options: { dropAnchors?: boolean; backupFiles?: RunBackupFiles } = {}): ProcedureDefinition {
  const servers = partners(config);
  const steps: StepDefinition[] = [];
  const dbs = config.databases;
  for (const server of servers) {
    steps.push(dropObject(server.role, 'endpoint', endpointNameOf(config.endpoint, server.role), dbs));
    if (config.auth.mode === 'certificate') {
      for (const peer of servers.filter((s) => s.role !== server.role)) {
        const names = config.auth.names[peer.role];
        steps.push(
          dropObject(server.role, 'certificate', names.certificate, dbs),
          dropObject(server.role, 'user', names.user, dbs),
          dropObject(server.role, 'login', names.login, dbs),
        );
      }
      steps.push(dropObject(server.role, 'certificate', config.auth.names[server.role].certificate, dbs));
    } else {
      steps.push(dropObject(server.role, 'login', config.auth.serviceAccount, dbs));
    }
    if (options.dropAnchors) steps.push(dropAnchors(server.role));
  }
  if (options.backupFiles) steps.push(...removeBackupSteps(config, options.backupFiles));
  return { name: 'cleanup', title: 'Remove the mirroring endpoints, certificates, users and logins (after disable)', steps };
}
