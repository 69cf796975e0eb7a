// ALTER DATABASE db SET WITNESS = 'TCP://host:port' | SET WITNESS OFF (on the principal).

import type { ExecEnv } from '../server/env.js';
import { findDatabase } from '../storage/databases.js';
import { cannotAlterDatabase } from '../storage/messages.js';
import { instanceAtAddress, parseAddress } from './address.js';
import { writeErrorLog } from './errorlog.js';
import { link } from './handshake.js';
import * as msg from './messages.js';
import { partnerSide, sessionLinked, sideOf, type Side } from './session.js';

function principalWithPartner(env: ExecEnv, databaseName: string): { side: Side; other: Side | null } {
  const database = findDatabase(env.instance, databaseName);
  if (!database) throw cannotAlterDatabase(databaseName);
  const side = sideOf(env.instance, database);
  if (!side) throw msg.notConfigured(database.name);
  if (side.mirroring.role !== 'PRINCIPAL') throw msg.onlyOnPrincipal(database.name);
  const other = partnerSide(env.lab, side);
  return { side, other: other && sessionLinked(env.lab, side, other.instance, env.now()) ? other : null };
}

export function setWitness(env: ExecEnv, databaseName: string, address: string): void {
  const { side, other } = principalWithPartner(env, databaseName);
  if (!parseAddress(address)) throw msg.invalidAddress(address);
  const witness = instanceAtAddress(env.lab, address);
  if (witness && (witness === side.instance || witness === other?.instance || witness.name === side.mirroring.partnerInstance)) throw msg.witnessIsPartner();
  if (!witness) throw msg.addressUnreachable(address);
  const now = env.now();
  const fromPrincipal = link(env.lab, side.instance, witness, { a: 'PARTNER', b: 'WITNESS' }, now);
  if (fromPrincipal) {
    if (fromPrincipal.loggedBy) writeErrorLog(fromPrincipal.loggedBy, now, fromPrincipal.text, fromPrincipal.number);
    env.changed();
    throw fromPrincipal.number === 28080 ? msg.witnessCannotServe(witness.name) : msg.addressUnreachable(address);
  }
  const fromMirror = other && link(env.lab, other.instance, witness, { a: 'PARTNER', b: 'WITNESS' }, now);
  if (!other || fromMirror || side.mirroring.state !== 'SYNCHRONIZED') {
    if (fromMirror?.loggedBy) writeErrorLog(fromMirror.loggedBy, now, fromMirror.text, fromMirror.number);
    env.changed();
    throw msg.witnessNeedsAllThree();
  }
  for (const s of [side, other]) {
    s.mirroring.witnessName = address;
    s.mirroring.witnessState = 'CONNECTED';
  }
  env.changed();
}

export function witnessOff(env: ExecEnv, databaseName: string): void {
  const { side, other } = principalWithPartner(env, databaseName);
  if (!side.mirroring.witnessName) throw msg.noWitness(side.database.name);
  for (const s of other ? [side, other] : [side]) {
    s.mirroring.witnessName = null;
    s.mirroring.witnessState = null;
  }
  side.mirroring.quorumLost = false;
  env.changed();
}
