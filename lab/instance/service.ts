// The SQL Server service: its account (a domain account is the manual step of domain-setup) and
// restarts. A restart gets a new process id and start time; the lab process drops the sessions.

import type { ClientProgram, InstanceState, LabState } from '../model.js';
import { versionString } from './version.js';

export function restartService(instance: InstanceState, now: Date): void {
  instance.service.status = 'Running';
  instance.service.processId = nextProcessId(instance.service.processId);
  instance.service.lastStartupTime = now.toISOString();
  cycleErrorLog(instance, now, 'SQL Server is starting at normal priority base (=7). This is an informational message only. No user action is required.');
}

/** Archived error logs kept besides the current one: SQL Server's default of six ("Configure SQL
 * Server Error Logs"). */
export const ARCHIVED_ERROR_LOGS = 6;

/** A new current error log: the old one becomes ERRORLOG.1, ERRORLOG.1 becomes .2 … the oldest
 * beyond six is deleted — at every start, and by sp_cycle_errorlog "just like a server restart";
 * the new log opens with the version and copyright lines, then `opening` (learn.microsoft.com:
 * sp_cycle_errorlog). */
export function cycleErrorLog(instance: InstanceState, now: Date, opening: string): void {
  const ts = now.toISOString();
  instance.errorLogArchives = [{ closedAt: ts, lines: instance.errorLog }, ...(instance.errorLogArchives ?? [])].slice(0, ARCHIVED_ERROR_LOGS);
  const [banner = '', ...rest] = versionString(instance.version, instance.edition)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  instance.errorLog = [{ ts, text: banner }, ...rest.filter((line) => /copyright/i.test(line)).map((text) => ({ ts, text })), { ts, text: opening }];
}

export function stopService(instance: InstanceState, now: Date): void {
  instance.service.status = 'Stopped';
  instance.errorLog.push({
    ts: now.toISOString(),
    text: "SQL Server is terminating in response to a 'stop' request from Service Control Manager. This is an informational message only. No user action is required.",
  });
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
