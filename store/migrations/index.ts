// Listed explicitly (not read from the directory) so the esbuild bundle carries them.
import { initial } from './001-initial.js';
import { auditHead } from './002-audit-head.js';
import { unsettledRuns } from './003-unsettled-runs.js';
import { storeIdentity } from './004-store-identity.js';
import { monitor } from './005-monitor.js';
import { auditPid } from './009-audit-pid.js';
import type { Migration } from './migration.js';

export const migrations: readonly Migration[] = [initial, auditHead, unsettledRuns, storeIdentity, monitor, auditPid];
