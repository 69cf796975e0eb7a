// The one registry of procedures: every list an operator sees (run/plan help, hints, the demo's
// tour) and every lookup (ProcedureName) comes from here. Data only, so `--help` loads nothing else.

import { nearest } from '../config/nearest.js';

export const PROCEDURES = [
  { name: 'setup', summary: "the config's auth setup, then restore, then enable (what a new pair needs)" },
  { name: 'domain-setup', summary: 'Windows-auth endpoints, logins and CONNECT for the domain service account' },
  { name: 'certificate-setup', summary: 'master keys, certificates, endpoints, peer logins/users/certificates, CONNECT' },
  { name: 'restore', summary: 'seed the mirror: full + log backups restored WITH NORECOVERY' },
  { name: 'enable', summary: 'SET PARTNER on the mirror, then the principal; wait for SYNCHRONIZED' },
  { name: 'failover', summary: 'planned failover of every database to the configured mirror' },
  { name: 'failback', summary: 'planned failover of every database back to the configured principal' },
  { name: 'promote', summary: 'forced service on the mirror after the principal is lost (data loss)' },
  { name: 'resume-session', summary: 'resume suspended sessions after the old principal is back' },
  { name: 'sync-logins', summary: 'the logins the mirrored databases\' users map to, on both partners with the same SIDs (also in setup and failover)' },
  { name: 'add-witness', summary: "the witness's security, then SET WITNESS on every database (automatic failover)" },
  { name: 'remove-witness', summary: 'SET WITNESS OFF on whichever partner answers' },
  { name: 'set-safety-full', summary: 'SAFETY FULL on a live session (high safety), then wait for SYNCHRONIZED' },
  { name: 'set-safety-off', summary: 'SAFETY OFF on a live session (high performance; Enterprise edition checked)' },
  { name: 'suspend', summary: 'suspend the sessions (resume-session resumes them)' },
  { name: 'disable', summary: 'remove mirroring; bring the old mirror copies online WITH RECOVERY' },
  { name: 'cleanup', summary: 'after disable: drop endpoints, peer certificates, users and logins' },
] as const;

export type ProcedureName = (typeof PROCEDURES)[number]['name'];

export const PROCEDURE_NAMES: readonly ProcedureName[] = PROCEDURES.map((p) => p.name);

export function isProcedureName(name: string): name is ProcedureName {
  return (PROCEDURE_NAMES as readonly string[]).includes(name);
}

/** The hint for a missing or unknown procedure name: the nearest name, then all of them. */
export function procedureHint(typed: string | undefined, names: readonly string[] = PROCEDURE_NAMES): string {
  const near = typed === undefined ? undefined : nearest(typed, names);
  return `${near ? `did you mean '${near}'? ` : ''}procedures: ${names.join(', ')} (mirrorbook plan <procedure> shows what one does)`;
}

/** The procedures as help lists them: name and summary, one a line. */
export function procedureTable(indent = '  '): string {
  const width = Math.max(...PROCEDURE_NAMES.map((n) => n.length));
  return PROCEDURES.map((p) => `${indent}${p.name.padEnd(width)}  ${p.summary}`).join('\n');
}
