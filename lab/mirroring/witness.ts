// ALTER DATABASE db SET WITNESS = 'TCP://host:port' (on the principal) | SET WITNESS OFF (on either
// partner: "Connect to either partner" — learn.microsoft.com, Remove the Witness from a Database
// Mirroring Session). On a mirror cut off from its principal it is how a DBA makes forced service
// possible again when the witness is lost too (forced service needs WITNESS OFF or a witness
// connected to the mirror — Force Service in a Database Mirroring Session).

import type { ExecEnv } from '../server/env.js';
import { findDatabase } from '../storage/databases.js';
import { cannotAlterDatabase } from '../storage/messages.js';
import { instanceAtAddress, parseAddress } from './address.js';
import { writeHandshakeFailure } from './errorlog.js';
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
    writeHandshakeFailure(fromPrincipal, now);
    env.changed();
    throw fromPrincipal.number === 28080 ? msg.witnessCannotServe(witness.name) : msg.addressUnreachable(address);
  }
  const fromMirror = other && link(env.lab, other.instance, witness, { a: 'PARTNER', b: 'WITNESS' }, now);
  if (!other || fromMirror || side.mirroring.state !== 'SYNCHRONIZED') {
    if (fromMirror) writeHandshakeFailure(fromMirror, now);
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
  const database = findDatabase(env.instance, databaseName);
  if (!database) throw cannotAlterDatabase(databaseName);
  const side = sideOf(env.instance, database);
  if (!side) throw msg.notConfigured(database.name);
  if (!side.mirroring.witnessName) throw msg.noWitness(database.name);
  const peer = partnerSide(env.lab, side);
  // The partner learns now when it is connected; else the principal's configuration wins when
  // they meet again (lab/mirroring/advance), so a mirror that is promoted keeps it off.
  const other = peer && sessionLinked(env.lab, side, peer.instance, env.now()) ? peer : null;
  for (const s of other ? [side, other] : [side]) {
    s.mirroring.witnessName = null;
    s.mirroring.witnessState = null;
  }
  side.mirroring.quorumLost = false;
  env.changed();
}
