// What the control channel does to an instance, as changes to the lab state (the listener side of
// a fault is the running lab's business).

import type { ClientProgram, InstanceState, LabState } from '../model.js';
import { changeServiceAccount, restartService, startClientProgram, stopService } from '../instance/service.js';
import { ControlError, type FaultKind } from './control-protocol.js';

const MAX_CLOCK_OFFSET_MS = 100 * 366 * 86_400_000;

export function applyFault(lab: LabState, instance: InstanceState, kind: FaultKind, ms: number | undefined, now: Date): void {
  const fault = (lab.faults[instance.name] ??= { down: false, isolated: false, slowMs: 0 });
  switch (kind) {
    case 'down':
      if (fault.down) return;
      fault.down = true;
      stopService(instance, now);
      return;
    case 'up':
      if (!fault.down) return;
      fault.down = false;
      restart(lab, instance, now);
      return;
    case 'isolate':
      fault.isolated = true;
      return;
    case 'heal':
      fault.isolated = false;
      fault.slowMs = 0;
      return;
    case 'slow':
      if (ms === undefined || !Number.isInteger(ms) || ms < 0) throw new ControlError('slow needs a delay in milliseconds (0 clears it)', undefined, true);
      fault.slowMs = ms;
      return;
    case 'clock':
      if (ms === undefined || !Number.isInteger(ms) || Math.abs(ms) > MAX_CLOCK_OFFSET_MS)
        throw new ControlError('clock needs an offset in milliseconds within ±100 years (0 sets the real time)', undefined, true);
      if (ms === 0) delete fault.clockOffsetMs;
      else fault.clockOffsetMs = ms;
      return;
  }
}

/** Services.msc → Log On → This account, and the restart that needs — unless the service is
 * stopped (`lab fault down`): then the account applies at the next start. */
export function setServiceAccount(lab: LabState, instance: InstanceState, account: string, now: Date): void {
  if (lab.faults[instance.name]?.down) {
    instance.service.account = account;
    return;
  }
  changeServiceAccount(instance, account, now);
  reconnectPrograms(lab, instance, now);
}

function restart(lab: LabState, instance: InstanceState, now: Date): void {
  restartService(instance, now);
  reconnectPrograms(lab, instance, now);
}

/** Client programs such as the Patriot services reconnect after a restart, with new spids. */
function reconnectPrograms(lab: LabState, instance: InstanceState, now: Date): void {
  const loginTime = new Date(now.getTime() + 5000).toISOString();
  for (const program of instance.programs) {
    program.spid = lab.nextIds.spid++;
    program.loginTime = loginTime;
  }
}

export function startProgram(lab: LabState, instance: InstanceState, programName: string, now: Date): ClientProgram {
  if (instance.service.status !== 'Running') throw new ControlError(`${instance.name} is down`, `bring it up first: mirrorbook lab fault ${instance.name} up`);
  const existing = instance.programs.find((program) => program.programName.toLowerCase() === programName.toLowerCase());
  if (existing) return existing;
  const template = instance.programs[0];
  return startClientProgram(lab, instance, {
    programName,
    hostName: template?.hostName ?? instance.host,
    loginName: template?.loginName ?? 'Patriot',
    database: template?.database ?? firstUserDatabase(instance),
    loginTime: now.toISOString(),
  });
}

/** Stops every program with that name, or whose name starts with it ("Patriot" stops all Patriot services). */
export function stopProgram(instance: InstanceState, programName: string): ClientProgram[] {
  const wanted = programName.toLowerCase();
  const matches = (program: ClientProgram): boolean => {
    const name = program.programName.toLowerCase();
    return name === wanted || name.startsWith(wanted + ' ');
  };
  const stopped = instance.programs.filter(matches);
  if (stopped.length === 0) {
    const running = instance.programs.map((program) => program.programName).join(', ') || 'none';
    throw new ControlError(`no client program '${programName}' is running on ${instance.name}`, `running: ${running}`, true);
  }
  instance.programs = instance.programs.filter((program) => !matches(program));
  return stopped;
}

function firstUserDatabase(instance: InstanceState): string {
  return Object.values(instance.databases).find((database) => !database.isSystem)?.name ?? 'master';
}

/** `lab workload`: how many transactions per second the applications commit in the instance's user
 * databases (one, if named). Only a writable copy commits them; a mirror keeps its figure for when
 * it becomes the principal. Returns what each database now runs at. */
export function setWorkload(instance: InstanceState, tps: number, database?: string): Record<string, number> {
  if (!Number.isFinite(tps) || tps < 0 || tps > 100_000) throw new ControlError('the workload needs transactions per second between 0 and 100000');
  const targets = Object.values(instance.databases).filter((d) => !d.isSystem && (database === undefined || d.name.toLowerCase() === database.toLowerCase()));
  if (targets.length === 0)
    throw new ControlError(
      `${instance.name} has no user database${database ? ` named ${database}` : ''}`,
      `databases: ${
        Object.values(instance.databases)
          .filter((d) => !d.isSystem)
          .map((d) => d.name)
          .join(', ') || 'none'
      }`,
    );
  for (const d of targets) d.workloadTps = tps;
  return Object.fromEntries(targets.map((d) => [d.name, d.workloadTps]));
}
