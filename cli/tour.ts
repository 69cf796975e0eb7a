// The tour of the README and of the demo's "Try next", written once: every procedure the lab's
// pair can rehearse, in an order that works — including a real forced promote (the principal lost
// while it is the principal) and the recovery after it. `{config}` and `{dir}` stand for the lab's
// config file and directory. test/cli/the-tour-runs-as-a-script-through-a-forced-promote-and-back.test.ts
// runs it as a script.

export interface TourStop {
  why: string;
  /** The command line after `mirrorbook`. */
  args: string;
}

export const TOUR: readonly TourStop[] = [
  { why: 'a simulated pair: SQLPRI01 (Patriot, PatriotArchive) and an empty SQLMIR01', args: 'lab start --dir {dir}' },
  { why: 'every step of a setup, its server and the exact T-SQL; changes nothing', args: 'plan setup --config {config}' },
  { why: 'certificates, backups and restores, SET PARTNER, wait for SYNCHRONIZED', args: 'run setup --config {config} --confirm SQLMIR01' },
  { why: 'both partners, every database, the queues', args: 'status --config {config}' },
  { why: 'a planned failover: SQLMIR01 becomes the principal', args: 'run failover --config {config}' },
  { why: 'and back: SQLPRI01 is the principal again', args: 'run failback --config {config}' },
  { why: 'lose the principal while it is the principal', args: 'lab fault SQLPRI01 down --dir {dir}' },
  { why: 'forced service on SQLMIR01 (allows data loss; you confirm by typing SQLMIR01)', args: 'run promote --config {config} --confirm SQLMIR01' },
  { why: 'the old principal comes back, as a suspended mirror…', args: 'lab fault SQLPRI01 up --dir {dir}' },
  { why: '…and its session resumes: SQLPRI01 catches up as the mirror', args: 'run resume-session --config {config}' },
  { why: 'the configured roles again: SQLPRI01 principal', args: 'run failback --config {config}' },
  { why: 'high performance for a while, then high safety again', args: 'run set-safety-off --config {config}' },
  { why: 'SAFETY FULL, wait for SYNCHRONIZED', args: 'run set-safety-full --config {config}' },
  { why: 'pause the sessions (e.g. for maintenance on the mirror)…', args: 'run suspend --config {config}' },
  { why: '…and resume them', args: 'run resume-session --config {config}' },
  { why: 'every run, and one of them with its audit timeline (mirrorbook show <run-id>)', args: 'runs --config {config}' },
  { why: 'check the hash chain of every audit record (--local: this store; without it the anchors on the servers too)', args: 'audit verify --config {config} --local' },
  { why: 'a report a change board can file', args: 'audit --format md --config {config}' },
  { why: 'end mirroring on SQLPRI01 (you type SQLPRI01); the mirror copies come online WITH RECOVERY', args: 'run disable --config {config} --confirm SQLPRI01' },
  { why: 'drop what mirroring needed: endpoints (you type Endpoint_Mirroring), certificates, logins, users', args: 'run cleanup --config {config} --confirm Endpoint_Mirroring' },
  { why: 'stop the lab (its state stays in the directory)', args: 'lab stop --dir {dir}' },
];

/** How many stops of the tour the demo runs itself (lab start … failover). */
export const DEMO_DOES = TOUR.findIndex((s) => s.args.startsWith('run failover')) + 1;

export function tourLine(stop: TourStop, dir: string): string {
  return stop.args.replaceAll('{config}', `${dir}/mirrorbook.yaml`).replaceAll('{dir}', dir);
}
