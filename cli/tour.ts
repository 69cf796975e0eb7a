// The tour of the README and of the demo's "Try next", written once: every procedure of the
// registry (runbooks/procedures.ts), in an order that works on the lab — including a real forced
// promote (the principal lost while it is the principal) and the recovery after it, the witness
// procedures, and a second setup with Windows authentication (the lab's mirrorbook-domain.yaml).
// `{config}` and `{dir}` stand for the lab's config file and directory; arguments are shell words.
// test/cli/the-tour-runs-as-a-script-through-a-forced-promote-and-back.test.ts runs it as a script
// and fails when a procedure has no stop.

export interface TourStop {
  why: string;
  /** The command line after `mirrorbook`. */
  args: string;
}

export const TOUR: readonly TourStop[] = [
  { why: 'a simulated pair: SQLPRI01 (Patriot, PatriotArchive), an empty SQLMIR01, and SQLWIT01 as witness', args: 'lab start --witness --dir {dir}' },
  { why: 'every step of a setup, its server and the exact T-SQL; changes nothing', args: 'plan setup --config {config}' },
  {
    why: "setup's first part on its own: master keys, certificates, endpoints, logins, users and CONNECT on every server",
    args: 'run certificate-setup --config {config}',
  },
  {
    why: 'the whole setup: what certificate-setup did is found done; backups and restores, SET PARTNER and the witness, wait for SYNCHRONIZED',
    args: 'run setup --config {config} --confirm SQLMIR01',
  },
  { why: 'both partners, every database, the queues', args: 'status --config {config}' },
  { why: 'a planned failover: SQLMIR01 becomes the principal', args: 'run failover --config {config}' },
  { why: 'and back: SQLPRI01 is the principal again', args: 'run failback --config {config}' },
  {
    why: "the application's logins on the mirror with the same SIDs (setup and failover do it too; run it after adding logins)",
    args: 'run sync-logins --config {config}',
  },
  {
    why: 'the SQL Agent jobs touching the mirrored databases, created disabled on the mirror (opt-in: setup copies none)',
    args: 'run copy-agent-jobs --config {config}',
  },
  { why: 'no automatic failover from here on: a lost principal waits for a person', args: 'run remove-witness --config {config}' },
  { why: 'lose the principal while it is the principal', args: 'lab fault SQLPRI01 down --dir {dir}' },
  { why: 'forced service on SQLMIR01 (allows data loss; you confirm by typing SQLMIR01)', args: 'run promote --config {config} --confirm SQLMIR01' },
  { why: 'the old principal comes back, as a suspended mirror…', args: 'lab fault SQLPRI01 up --dir {dir}' },
  { why: '…and its session resumes: SQLPRI01 catches up as the mirror', args: 'run resume-session --config {config}' },
  { why: 'the configured roles again: SQLPRI01 principal', args: 'run failback --config {config}' },
  { why: 'the witness back: automatic failover again', args: 'run add-witness --config {config}' },
  { why: 'high performance for a while (mirrorbook warns that the witness should go), then high safety again', args: 'run set-safety-off --config {config}' },
  { why: 'SAFETY FULL, wait for SYNCHRONIZED', args: 'run set-safety-full --config {config}' },
  { why: 'pause the sessions (e.g. for maintenance on the mirror)…', args: 'run suspend --config {config}' },
  { why: '…and resume them', args: 'run resume-session --config {config}' },
  { why: 'every run, and one of them with its audit timeline (mirrorbook show <run-id>)', args: 'runs --config {config}' },
  {
    why: 'check the hash chain of every audit record (--local: this store; without it the anchors on the servers too)',
    args: 'audit verify --config {config} --local',
  },
  { why: 'a report a change board can file', args: 'audit --format md --config {config}' },
  {
    why: 'end mirroring on SQLPRI01 (you type SQLPRI01); the mirror copies come online WITH RECOVERY',
    args: 'run disable --config {config} --confirm SQLPRI01',
  },
  {
    why: 'drop what mirroring needed: endpoints (you type Endpoint_Mirroring), certificates, logins, users',
    args: 'run cleanup --config {config} --confirm Endpoint_Mirroring',
  },
  {
    why: 'the same pair with Windows authentication: both services run as the domain account (as an administrator would set in Services.msc)…',
    args: "lab service-account SQLPRI01 'LAB\\sqlmirror' --dir {dir}",
  },
  { why: '…on the mirror too', args: "lab service-account SQLMIR01 'LAB\\sqlmirror' --dir {dir}" },
  {
    why: 'Windows-authenticated endpoints, the login of LAB\\sqlmirror and CONNECT (the service account is a manual step, verified)',
    args: 'run domain-setup --config {dir}/mirrorbook-domain.yaml',
  },
  {
    why: 'seed the mirror again: the copies disable brought online are overwritten (you type SQLMIR01)',
    args: 'run restore --config {dir}/mirrorbook-domain.yaml --confirm SQLMIR01',
  },
  { why: 'SET PARTNER on the mirror, then the principal; wait for SYNCHRONIZED', args: 'run enable --config {dir}/mirrorbook-domain.yaml' },
  { why: 'stop the lab (its state stays in the directory; lab start brings it back)', args: 'lab stop --dir {dir}' },
];

/** How many stops of the tour the demo runs itself (lab start … failover). */
export const DEMO_DOES = TOUR.findIndex((s) => s.args.startsWith('run failover')) + 1;

export function tourLine(stop: TourStop, dir: string): string {
  return stop.args.replaceAll('{config}', `${dir}/mirrorbook.yaml`).replaceAll('{dir}', dir);
}
