// The SQL Server service: its account (a domain account is the manual step of domain-setup) and
// restarts. A restart gets a new process id and start time; the lab process drops the sessions.

import type { ClientProgram, InstanceState, LabState } from '../model.js';

export function restartService(instance: InstanceState, now: Date): void {
  instance.service.status = 'Running';
  instance.service.processId = nextProcessId(instance.service.processId);
  instance.service.lastStartupTime = now.toISOString();
  instance.errorLog.push({ ts: now.toISOString(), text: 'SQL Server is starting at normal priority base (=7). This is an informational message only. No user action is required.' });
}

export function stopService(instance: InstanceState, now: Date): void {
  instance.service.status = 'Stopped';
  instance.errorLog.push({ ts: now.toISOString(), text: 'SQL Server is terminating in response to a \'stop\' request from Service Control Manager. This is an informational message only. No user action is required.' });
}

/** Services.msc → Log On → This account, then the restart the change requires. */
export function changeServiceAccount(instance: InstanceState, account: string, now: Date): void {
  instance.service.account = account;
  restartService(instance, now);
}

function nextProcessId(previous: number): number {
  return 1000 + ((previous * 7 + 1348) % 60000);
}

/** Simulated client programs (the Patriot services): start one, or stop all with a program name. */
export function startClientProgram(lab: LabState, instance: InstanceState, program: Omit<ClientProgram, 'spid'>): ClientProgram {
  const started: ClientProgram = { ...program, spid: lab.nextIds.spid++ };
  instance.programs.push(started);
  return started;
}

export function stopClientPrograms(instance: InstanceState, programName: string): number {
  const before = instance.programs.length;
  instance.programs = instance.programs.filter((program) => program.programName.toLowerCase() !== programName.toLowerCase());
  return before - instance.programs.length;
}
