// ALTER DATABASE db SET PARTNER = 'TCP://host:port'. On the mirror (database RESTORING) it only
// records the partner and waits; on the principal (ONLINE) it contacts the mirror — handshake, the
// mirror's copy, the log chain — and starts the session.

import type { DatabaseState, InstanceState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { findDatabase } from '../storage/databases.js';
import { cannotAlterDatabase } from '../storage/messages.js';
import { instanceAtAddress, parseAddress } from './address.js';
import { writeErrorLog, writeHandshakeFailure } from './errorlog.js';
import { connect } from './handshake.js';
import * as msg from './messages.js';
import { newMirroring, partnersLink, transactionsThrough } from './session.js';

export function setPartner(env: ExecEnv, databaseName: string, address: string): void {
  const database = findDatabase(env.instance, databaseName);
  if (!database || database.isSystem) throw cannotAlterDatabase(databaseName);
  if (env.instance.edition === 'Express') throw msg.editionWithoutMirroring();
  if (!parseAddress(address)) throw msg.invalidAddress(address);
  if (database.mirroring) throw msg.alreadyMirrored(database.name);
  const target = instanceAtAddress(env.lab, address);
  if (target === env.instance) throw msg.ownAddress();
  if (database.recoveryModel !== 'FULL') throw msg.notFullRecovery(database.name);
  if (database.state === 'RESTORING') return waitAsMirror(env, database, address);
  if (database.state !== 'ONLINE') throw msg.cannotOpenRemote(database.name);
  startAsPrincipal(env, database, address, target);
}

function waitAsMirror(env: ExecEnv, database: DatabaseState, address: string): void {
  const endpoint = env.instance.endpoint;
  if (!endpoint || endpoint.state !== 'STARTED' || (endpoint.role !== 'PARTNER' && endpoint.role !== 'ALL')) throw msg.addressUnreachable(address);
  database.mirroring = newMirroring(address, 'MIRROR', 'DISCONNECTED');
  database.mirroring.failoverLsn = database.log.endLsn;
  env.changed();
}

function startAsPrincipal(env: ExecEnv, database: DatabaseState, address: string, target: InstanceState | undefined): void {
  const now = env.now();
  if (!target) throw msg.addressUnreachable(address);
  const outbound = connect(env.lab, env.instance, target, 'PARTNER', now);
  if (outbound) {
    writeHandshakeFailure(outbound, now);
    env.changed();
    throw msg.addressUnreachable(address);
  }
  const copy = findDatabase(target, database.name);
  if (!copy) throw msg.remoteMissing(database.name);
  const remote = copy.mirroring;
  if (!remote) throw copy.state === 'RESTORING' ? msg.notConfigured(database.name) : msg.notRestoring(database.name);
  if (remote.established || remote.role !== 'MIRROR') throw msg.alreadyMirroredRemotely(database.name);
  if (copy.state !== 'RESTORING') throw msg.notRestoring(database.name);
  // The mirror connects back to the address it was given: it must lead here, and its handshake pass.
  if (instanceAtAddress(env.lab, remote.partnerName) !== env.instance) throw msg.addressUnreachable(address);
  const inbound = partnersLink(env.lab, env.instance, target, now);
  if (inbound) {
    writeHandshakeFailure(inbound, now);
    env.changed();
    throw msg.addressUnreachable(address);
  }
  if (copy.recoveryModel !== 'FULL') throw msg.notFullRecovery(database.name);
  if (copy.familyGuid !== database.familyGuid) throw msg.notRelated(database.name);
  if (database.log.bulkLoggedSinceLogBackup) throw msg.bulkLoggedChanges(database.name);
  const restored = copy.log.restoredThroughLsn ?? copy.log.endLsn;
  const chainNeeds = database.log.lastLogBackupLsn;
  if ((chainNeeds !== null && restored < chainNeeds) || restored > database.log.endLsn || copy.recoveryForkGuid !== database.recoveryForkGuid) {
    throw msg.missingLog(database.name, env.instance.behaviour.missingLogError);
  }

  const started = now.toISOString();
  copy.log.endLsn = restored;
  copy.committedTransactions = transactionsThrough(database, restored);
  remote.established = true;
  remote.partnerInstance = env.instance.name;
  remote.state = 'SYNCHRONIZING';
  remote.synchronizingSince = started;
  remote.failoverLsn = restored;
  const mine = newMirroring(address, 'PRINCIPAL', 'SYNCHRONIZING');
  Object.assign(mine, {
    guid: remote.guid,
    established: true,
    partnerInstance: target.name,
    synchronizingSince: started,
    hardenedLsn: restored,
    failoverLsn: restored,
  });
  database.mirroring = mine;
  writeErrorLog(
    env.instance,
    now,
    `Database mirroring is active with database '${database.name}' as the principal copy. This is an informational message only. No user action is required.`,
    1440,
  );
  writeErrorLog(
    target,
    now,
    `Database mirroring is active with database '${database.name}' as the mirror copy. This is an informational message only. No user action is required.`,
    1441,
  );
  env.changed();
}
