// Client programs (the Patriot services) after a role change or a lost instance: their connection
// strings name the principal and the failover partner, so they keep retrying both until the one
// that serves the database lets them in — which needs their login on that instance with the SID of
// the database's user (lab/instance/database-access). A refused attempt is logged as SQL Server
// logs failed logins: 18456 with the reason (state 5: no such login; state 38: the database).

import type { ClientProgram, InstanceState, LabState } from '../model.js';
import { canUseDatabase } from '../instance/database-access.js';
import { findLogin } from '../instance/principals.js';
import { findDatabase } from '../storage/databases.js';
import { stateError } from '../instance/use-database.js';
import { logFailedLogin } from '../server/login.js';
import { instanceUp } from './handshake.js';

export function queueReconnect(lab: LabState, programs: ClientProgram[], instances: (string | null | undefined)[]): void {
  const names = [...new Set(instances.filter((n): n is string => !!n))];
  lab.reconnecting = [...(lab.reconnecting ?? []), ...programs.map((program) => ({ program, instances: names }))];
}

/** Why `instance` refuses the program now (18456 state and reason), or null when it lets it in;
 * undefined when it does not serve the database. */
function refusal(instance: InstanceState, program: ClientProgram): { state: number; reason: string } | null | undefined {
  const database = findDatabase(instance, program.database);
  if (!database || stateError(database)) return undefined;
  const login = findLogin(instance.logins, program.loginName);
  if (!login || login.type !== 'S' || login.passwordHash === null) return { state: 5, reason: 'Could not find a login matching the name provided.' };
  if (login.isDisabled) return { state: 7, reason: 'The account is disabled.' };
  if (!canUseDatabase(instance, login, database)) return { state: 38, reason: `Failed to open the explicitly specified database '${database.name}'.` };
  return null;
}

export function reconnectPrograms(lab: LabState, now: Date): void {
  if (!lab.reconnecting?.length) return;
  const waiting: NonNullable<LabState['reconnecting']> = [];
  for (const entry of lab.reconnecting) {
    let connected = false;
    for (const name of entry.instances) {
      const instance = lab.instances[name];
      if (!instance || !instanceUp(lab, instance) || instance.service.status !== 'Running') continue;
      const why = refusal(instance, entry.program);
      if (why === undefined) continue;
      if (why !== null) {
        if (entry.lastError !== `${name}: ${why.reason}`) logFailedLogin(instance, now, entry.program.loginName, why.state, why.reason, entry.program.hostName);
        entry.lastError = `${name}: ${why.reason}`;
        continue;
      }
      instance.programs.push({ ...entry.program, spid: lab.nextIds.spid++, loginTime: now.toISOString() });
      connected = true;
      break;
    }
    if (!connected) waiting.push(entry);
  }
  lab.reconnecting = waiting;
}

/** An instance that is down loses its clients; those of mirrored databases try the partner. */
export function dropClientsOfDownInstance(lab: LabState, instance: InstanceState): void {
  const leaving = instance.programs.filter((p) => findDatabase(instance, p.database)?.mirroring);
  if (leaving.length === 0) return;
  instance.programs = instance.programs.filter((p) => !leaving.includes(p));
  for (const program of leaving) queueReconnect(lab, [program], [instance.name, findDatabase(instance, program.database)?.mirroring?.partnerInstance]);
}
