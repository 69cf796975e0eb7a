// Every preflight check, in the order `mirrorbook check` prints them. To add one: write a file in
// checks/ exporting a PreflightCheck (check.ts: id, title, optional procedures, run → Findings
// made with ok / warn / fail, a hint on every ⚠ and ✗), then add it to this list. It only reads.
import type { PreflightCheck } from './check.js';
import { agentJobsCheck } from './checks/agent-jobs.js';
import { availabilityGroupCheck } from './checks/availability-group.js';
import { certificateDatesCheck } from './checks/certificate-dates.js';
import { configWarningsCheck, tlsCheck } from './checks/config-warnings.js';
import { databasesCheck } from './checks/databases.js';
import { endpointsCheck } from './checks/endpoints.js';
import { peerCertificatesCheck } from './checks/peer-certificates.js';
import { peerLoginsCheck } from './checks/peer-logins.js';
import { filestreamCheck } from './checks/filestream.js';
import { mirroredElsewhereCheck } from './checks/mirrored-elsewhere.js';
import { mirrorReadsBackupsCheck } from './checks/mirror-reads-backups.js';
import { mirrorSpaceAndPathsCheck } from './checks/mirror-space-and-paths.js';
import { loginPrivilegesCheck } from './checks/login-privileges.js';
import { reachableCheck } from './checks/reachable.js';
import { tdeCheck } from './checks/tde.js';
import { versionEditionCheck } from './checks/version-edition.js';

export const CHECKS: readonly PreflightCheck[] = [
  configWarningsCheck,
  tlsCheck,
  reachableCheck,
  versionEditionCheck,
  loginPrivilegesCheck,
  databasesCheck,
  mirroredElsewhereCheck,
  availabilityGroupCheck,
  tdeCheck,
  filestreamCheck,
  mirrorSpaceAndPathsCheck,
  mirrorReadsBackupsCheck,
  certificateDatesCheck,
  endpointsCheck,
  peerCertificatesCheck,
  peerLoginsCheck,
  agentJobsCheck,
];
