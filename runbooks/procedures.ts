// The one registry of procedures: every list an operator sees (run/plan help, hints, the demo's
// tour) and every lookup (ProcedureName) comes from here. Data only, so `--help` loads nothing else.

import { nearest } from '../config/nearest.js';

/** What an operator usually does after a procedure finished: [why, command after `mirrorbook `]. */
type Next = readonly (readonly [string, string])[];
const CHECK: Next = [
  ['both partners, every database', 'status'],
  ['what the Patriot services need to follow a failover', 'connection-string'],
  ['one health sample, as a scheduler would take it', 'monitor --once'],
];

export const PROCEDURES = [
  { name: 'setup', summary: "the config's auth setup, then restore, then enable (what a new pair needs)", next: CHECK },
  { name: 'domain-setup', summary: 'Windows-auth endpoints, logins and CONNECT for the domain service account', next: [['seed the mirror', 'run restore']] },
  {
    name: 'certificate-setup',
    summary: 'master keys, certificates, endpoints, peer logins/users/certificates, CONNECT',
    next: [['seed the mirror', 'run restore']],
  },
  { name: 'restore', summary: 'seed the mirror: full + log backups restored WITH NORECOVERY', next: [['start mirroring', 'run enable']] },
  { name: 'enable', summary: 'SET PARTNER on the mirror, then the principal; wait for SYNCHRONIZED', next: CHECK },
  {
    name: 'failover',
    summary: 'planned failover of every database to the configured mirror',
    next: [...CHECK.slice(0, 2), ['back to the configured principal when you are ready', 'run failback']],
  },
  { name: 'failback', summary: 'planned failover of every database back to the configured principal', next: CHECK.slice(0, 2) },
  {
    name: 'promote',
    summary: 'forced service on the mirror after the principal is lost (data loss)',
    next: [
      ['the new principal serves; the old one is lost', 'status'],
      ['once the old principal is back: it becomes the mirror', 'run resume-session'],
    ],
  },
  {
    name: 'resume-session',
    summary: 'resume suspended sessions after the old principal is back',
    next: [...CHECK.slice(0, 1), ['the configured principal back as principal', 'run failback']],
  },
  {
    name: 'sync-logins',
    summary: "the logins the mirrored databases' users map to, on both partners with the same SIDs (also in setup and failover)",
    next: CHECK.slice(0, 1),
  },
  {
    name: 'copy-agent-jobs',
    summary: 'opt-in: the SQL Agent jobs touching the mirrored databases, scripted from msdb and created disabled on the other partner',
    next: CHECK.slice(0, 1),
  },
  { name: 'add-witness', summary: "the witness's security, then SET WITNESS on every database (automatic failover)", next: CHECK.slice(0, 1) },
  { name: 'remove-witness', summary: 'SET WITNESS OFF on whichever partner answers', next: CHECK.slice(0, 1) },
  { name: 'set-safety-full', summary: 'SAFETY FULL on a live session (high safety), then wait for SYNCHRONIZED', next: CHECK.slice(0, 1) },
  { name: 'set-safety-off', summary: 'SAFETY OFF on a live session (high performance; Enterprise edition checked)', next: CHECK.slice(0, 1) },
  { name: 'suspend', summary: 'suspend the sessions (resume-session resumes them)', next: [['resume them', 'run resume-session']] },
  {
    name: 'disable',
    summary: 'remove mirroring; bring the old mirror copies online WITH RECOVERY',
    next: [['drop what mirroring needed (endpoints, certificates, logins)', 'run cleanup']],
  },
  { name: 'cleanup', summary: 'after disable: drop endpoints, peer certificates, users and logins', next: CHECK.slice(0, 1) },
] as const satisfies readonly { name: string; summary: string; next: Next }[];

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

/** What to do after `name` finished, or nothing for a procedure the registry does not know. */
export function nextAfter(name: string): Next {
  return PROCEDURES.find((p) => p.name === name)?.next ?? [];
}
