// Every command mirrorbook has: its synopsis, options, examples and exit codes (what `--help`
// prints) and how to load it. A command is added here and in cli/commands/; main.ts parses its
// options with cli/arguments.ts against this table, so every command answers --help the same way.
// Kept free of heavy imports: `--help` must not load ink or mssql.

import type { OptionTable } from './arguments.js';
import type { Command } from './command.js';
import { procedureTable } from '../runbooks/procedures.js';

/** The options every command accepts (cli/main.ts turns them into GlobalFlags). */
export const COMMON_OPTIONS = {
  config: { type: 'string', value: 'FILE', help: "config file (env MIRRORBOOK_CONFIG; default ./mirrorbook.yaml, else the last-used lab's)" },
  store: { type: 'string', value: 'FILE', help: 'state store (default .mirrorbook/state.db beside the config, env MIRRORBOOK_STORE)' },
  json: { type: 'boolean', help: 'JSON on stdout (NDJSON events for runs), no colour' },
  plain: { type: 'boolean', help: 'plain timestamped lines even on a terminal' },
  verbose: { type: 'boolean', help: 'plain lines: every read and poll (repeated reads are otherwise counted)' },
  yes: { type: 'boolean', help: 'answer ordinary manual confirmations' },
  confirm: { type: 'string', value: 'TEXT', help: 'the database or partner name a destructive step asks for (no terminal)' },
  operator: { type: 'string', value: 'NAME', help: 'who is running this (recorded in the audit trail)' },
  'no-color': { type: 'boolean', help: 'no colour (also NO_COLOR)' },
  help: { type: 'boolean', short: 'h', help: 'this help' },
} as const satisfies OptionTable;

export type CommonOption = keyof typeof COMMON_OPTIONS;

export interface CommandSpec {
  summary: string;
  /** Synopsis lines, each after `mirrorbook `. */
  usage: readonly string[];
  /** What it does, in a few lines. */
  about: string;
  options: OptionTable;
  /** The common options that matter to this command (all are accepted everywhere). */
  common: readonly CommonOption[];
  /** At most this many positional arguments (undefined: the command checks them itself). */
  maxPositionals?: number;
  /** [why, command line] pairs; the command line is shown after `mirrorbook `. */
  examples: readonly (readonly [string, string])[];
  /** Changes servers: when its output pipe closes it finishes silently instead of exiting. */
  finishesWithoutOutput?: true;
  /** Extra sections (procedures, subcommands, exit codes), printed as they are. */
  more?: string;
  load(): Promise<{ default: Command }>;
}

/** What a procedure may be run with besides its name: `run` takes them, and `check` judges the
 * procedure with them (what the login needs depends on them: steps/login-privileges.ts). */
const PROCEDURE_OPTIONS = {
  'remove-backups': {
    type: 'boolean',
    help: "cleanup only: also delete the seeding backup files this store's runs wrote on the pair (found in the audit trail, each checked with RESTORE HEADERONLY); confirmed by typing 'delete <n> backup files'",
  },
  'drop-anchors': {
    type: 'boolean',
    help: 'cleanup only: also drop the run anchors (msdb.dbo.mirrorbook_run_anchors) on both partners; confirmed by typing mirrorbook_run_anchors',
  },
} as const satisfies OptionTable;

const RUN_COMMON: readonly CommonOption[] = ['config', 'store', 'yes', 'confirm', 'operator', 'json', 'plain', 'verbose', 'no-color'];
const READ_COMMON: readonly CommonOption[] = ['config', 'store', 'json'];
const PROCEDURES = `procedures:\n${procedureTable()}`;
const RUN_EXIT =
  'exit codes: 0 done · 1 a step failed or the preflight found a ✗ · 2 bad usage/config · 3 needs an operator and there is no terminal · 4 pair locked by another run · 5 done but a step was skipped · 6 the disk holding the store is full (the run stops interrupted: resume once there is space) · 129/130/143 interrupted';

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  check: {
    summary: 'read-only preflight of a procedure on every server: ✔ / ⚠ / ✗ with hints',
    usage: ['check <procedure> [--json]', 'check cleanup [--drop-anchors] [--remove-backups]'],
    about:
      'Reads every server of the pair (changes nothing) and prints one row per finding: check, server,\n✔ / ⚠ / ✗, what was found and a hint. `mirrorbook run` runs the same checks first and sends no\nchange while any row is ✗. The checks are listed in preflight/registry.ts. Give the options the run\nwill have: what the login needs depends on them (cleanup --remove-backups needs sysadmin).',
    options: PROCEDURE_OPTIONS,
    common: READ_COMMON,
    maxPositionals: 1,
    examples: [
      ['is this pair ready for a full setup?', 'check setup'],
      ['can we fail over now?', 'check failover'],
      ['may this login delete the seeding backups?', 'check cleanup --remove-backups'],
      ['the findings as JSON ({procedure, options, findings: [{check, server, verdict, found, hint}]})', 'check promote --json'],
    ],
    more: `${PROCEDURES}\n\nexit codes: 0 nothing is ✗ · 1 something is ✗ · 2 bad usage or config`,
    load: () => import('./commands/check.js'),
  },
  plan: {
    summary: 'show every step and its exact T-SQL per server; changes nothing',
    usage: ['plan <procedure> [--offline] [--json | --chart | --format sqlcmd]', 'plan cleanup [--drop-anchors] [--remove-backups]'],
    about:
      'Every step of the procedure, the server it runs on, whether it is manual or destructive, its\nretries and time limit, and the exact T-SQL (secrets masked). Against the live pair it probes each\nstep (reads only) and marks it already done / will change / blocked by the ✗ preflight checks that\nconcern it (its server, its database, what it needs);\n--offline plans from the config alone. Changes nothing. With --chart: the procedure and the chart\nevery step runs, as Mermaid diagrams (Markdown). With --format sqlcmd: the same statements as a\nscript for SSMS in SQLCMD mode (:CONNECT per server, GO, a comment per step, secrets as $(…)\nvariables the DBA sets when running it) — for a change board, or to run by hand.',
    options: {
      offline: { type: 'boolean', help: 'do not connect: the plan from the config alone' },
      chart: { type: 'boolean', help: 'the procedure and the step chart as Mermaid diagrams' },
      format: { type: 'string', value: 'FORMAT', help: 'text (default) or sqlcmd: a script for SSMS SQLCMD mode / sqlcmd -i' },
      'drop-anchors': { type: 'boolean', help: 'cleanup only: the plan of `run cleanup --drop-anchors`' },
      'remove-backups': {
        type: 'boolean',
        help: "cleanup only: the plan of `run cleanup --remove-backups` (the files this store's runs wrote, one xp_delete_file each)",
      },
    },
    common: ['config', 'store', 'json'],
    maxPositionals: 1,
    examples: [
      ['what a full setup will do, statement by statement', 'plan setup'],
      ['the plan of a failover for another pair', 'plan failover --config /etc/mirrorbook/patriot.yaml'],
      ['the plan and its definition hash as JSON', 'plan promote --json'],
      ['draw the procedure and the step chart', 'plan setup --chart > setup.md'],
      ['the setup as a SQLCMD script for the change board', 'plan setup --format sqlcmd > setup.sql'],
    ],
    more: PROCEDURES,
    load: () => import('./commands/plan.js'),
  },
  run: {
    summary: 'run a procedure (TUI on a terminal, plain lines otherwise)',
    usage: [
      'run <procedure> [--plan-hash HASH] [--yes] [--confirm NAME] [--plain | --json]',
      'run cleanup [--drop-anchors --confirm mirrorbook_run_anchors] [--remove-backups]',
    ],
    about:
      'Runs the procedure against the pair in the config: each step probes first (a step already done\nis recorded as such), then applies, then verifies. Every statement is in the audit trail; an\ninterrupted run continues with `mirrorbook resume`. With --plan-hash it runs only the plan that was\nreviewed: `mirrorbook plan` prints the hash.',
    options: {
      'plan-hash': { type: 'string', value: 'HASH', help: 'refuse to start unless the plan hashes to HASH (from mirrorbook plan)' },
      ...PROCEDURE_OPTIONS,
    },
    common: RUN_COMMON,
    maxPositionals: 1,
    examples: [
      ['set up mirroring on a new pair (asks before anything destructive)', 'run setup'],
      ['a planned failover from a script, answering confirmations', 'run failover --yes --plain'],
      ['forced service after losing the principal, without a terminal', 'run promote --yes --confirm SQLMIR01'],
      ['exactly the plan the change board approved (the hash `mirrorbook plan setup` printed)', 'run setup --plan-hash 9c2f41d0e8…'],
      ['decommission: also remove the run anchors from both partners (the default keeps them)', 'run cleanup --drop-anchors --confirm mirrorbook_run_anchors'],
    ],
    more: `${PROCEDURES}\n\n${RUN_EXIT}`,
    finishesWithoutOutput: true,
    load: () => import('./commands/run.js'),
  },
  resume: {
    summary: 'continue the latest (or given) interrupted run',
    usage: ['resume [run-id]'],
    about:
      'Continues an interrupted or failed run where its checkpoint stands: finished steps are not\nrepeated, a step caught in the middle is probed before anything is sent again. Refused when the\nprocedure or config changed since the run started.',
    options: {},
    common: RUN_COMMON,
    maxPositionals: 1,
    examples: [
      ['continue the latest run that did not finish', 'resume'],
      ['continue a given run (ids are in `mirrorbook runs`)', 'resume 20261203-224500-1a2b --yes'],
    ],
    more: RUN_EXIT,
    finishesWithoutOutput: true,
    load: () => import('./commands/resume.js'),
  },
  runs: {
    summary: 'list runs',
    usage: ['runs [--limit N] [--json]'],
    about: 'The history of runs in the store, newest first: procedure, pair, status, exit code, operator.',
    options: { limit: { type: 'string', value: 'N', help: 'show at most N runs (default 50)' } },
    common: READ_COMMON,
    maxPositionals: 0,
    examples: [
      ['the latest runs', 'runs'],
      ['the last five, one JSON object a line', 'runs --limit 5 --json'],
    ],
    load: () => import('./commands/runs.js'),
  },
  show: {
    summary: 'one run: its steps and audit timeline',
    usage: ['show <run-id> [--json]'],
    about: 'One run: who ran it where, each step with its state and attempts, and its audit timeline with\nevery statement sent.',
    options: {},
    common: READ_COMMON,
    maxPositionals: 1,
    examples: [
      ['one run (ids are in `mirrorbook runs`)', 'show 20261203-224500-1a2b'],
      ['the same as one JSON document', 'show 20261203-224500-1a2b --json'],
    ],
    load: () => import('./commands/show.js'),
  },
  audit: {
    summary: 'export the audit trail (--format ndjson|csv|md) or `audit verify` it',
    usage: ['audit [--run ID] [--format ndjson|csv|md]', 'audit verify [--expect-head HASH] [--local]'],
    about:
      "Exports the hash-chained audit trail, or `audit verify` proves it without writing to the store:\nSQLite's integrity check, the chain (HMAC with audit.key), every runs / journal row tied to the\nrecord written with it, no WAL lost after a crash; it prints the head (seq and hash) to pin and\nnames the record or run that does not hold (exit 1).",
    options: {
      run: { type: 'string', value: 'ID', help: 'only this run' },
      format: { type: 'string', value: 'FORMAT', help: 'ndjson (default), csv or md (a report a change board can file)' },
      'expect-head': { type: 'string', value: 'HASH', help: 'verify: fail unless the chain head is this hash (one an earlier verify printed)' },
      local: { type: 'boolean', help: 'verify: the store alone, without the anchors on the servers; exit 0 when it holds' },
    },
    common: READ_COMMON,
    maxPositionals: 1,
    examples: [
      ['check that no record was changed', 'audit verify'],
      ['check that nothing was appended or cut since the last audit', 'audit verify --expect-head 3f0c…'],
      ['one run as a Markdown report', 'audit --run 20261203-224500-1a2b --format md > change-4711.md'],
      ['everything as CSV for a spreadsheet', 'audit --format csv > audit.csv'],
    ],
    more: 'verify exit: 0 proven · 1 something does not hold (named) · 2 bad usage · 5 intact locally, anchors not checked',
    load: () => import('./commands/audit.js'),
  },
  unlock: {
    summary: 'force-release the lock on a pair (audited)',
    usage: ['unlock [--pair KEY] [--reason TEXT] [--force]'],
    about:
      'Releases the lock a run holds on its pair, for when that run is known to be gone. Recorded in the\naudit trail. Without --pair: the pair of the latest run. A holder that may still be running (its\nprocess is alive, or on another host) is released only with --force.',
    options: {
      pair: { type: 'string', value: 'KEY', help: 'the pair, e.g. SQLMIR01+SQLPRI01' },
      reason: { type: 'string', value: 'TEXT', help: 'why, for the audit trail' },
      force: { type: 'boolean', help: 'release a holder that may still be running' },
    },
    common: ['config', 'store', 'operator'],
    maxPositionals: 0,
    examples: [
      ["release the latest run's pair, saying why", "unlock --reason 'host rebooted during the run'"],
      ['a named pair', 'unlock --pair SQLMIR01+SQLPRI01'],
    ],
    load: () => import('./commands/unlock.js'),
  },
  status: {
    summary: 'both partners, every database: role, state, safety, witness, queues',
    usage: ['status [--watch] [--interval SECONDS] [--json]'],
    about:
      'Both partners and every configured database: role, mirroring state, safety, witness, send and redo\nqueues. Read-only. --watch refreshes every --interval seconds (default 2) until Ctrl-C: on a terminal\nit redraws in place (Ink) with a sparkline per queue and names a server slow to answer\n(monitor.slowAnswerMs); with --json or piped it appends one JSON document per refresh.',
    options: {
      watch: { type: 'boolean', short: 'w', help: 'refresh until Ctrl-C' },
      interval: { type: 'string', value: 'SECONDS', help: 'seconds between refreshes (0.2–3600, default 2)' },
    },
    common: READ_COMMON,
    maxPositionals: 0,
    examples: [
      ['the pair now', 'status'],
      ['watch it during a failover', 'status --watch --interval 1'],
      ['for a script', 'status --json'],
    ],
    more: 'exit: 0 every partner reachable · 1 a partner unreachable · 2 bad usage or config',
    load: () => import('./commands/status.js'),
  },
  monitor: {
    summary: 'the Mirroring Monitor: alarms once each, thresholds, history, channels (--once, --check)',
    usage: [
      'monitor [--interval SECONDS] [--exec COMMAND] [--listen HOST:PORT] [--json]',
      'monitor --once | --check',
      'monitor history [--since 1h|ISO] [--db NAME] [--limit N] [--json|--csv]',
    ],
    about: `Polls every server of the pair every --interval seconds (default monitor.intervalSeconds, 10) and
raises each alarm once, clearing it once it has been gone monitor.clearAfterPolls polls in a row.
Instances are named by the role they have now. Events go to stdout (NDJSON with --json), to
--exec COMMAND (once per event: MIRRORBOOK_EVENT_* variables, the event as JSON on stdin), to
monitor.webhook (POST, retried with backoff) and, with monitor.errorLog, into the principal's error
log. Every sample is kept in the store (monitor.retentionHours) for \`monitor history\`.
--once takes two samples a second apart and exits with its code; --check is a Nagios/Icinga plugin.`,
    options: {
      interval: { type: 'string', value: 'SECONDS', help: 'seconds between polls (1–86400; down to 0.2 for rehearsals; default monitor.intervalSeconds)' },
      once: { type: 'boolean', help: 'two samples a second apart, then exit with the code below' },
      check: { type: 'boolean', help: 'Nagios/Icinga plugin: one line with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN' },
      exec: { type: 'string', value: 'COMMAND', help: 'run COMMAND per event (MIRRORBOOK_EVENT_* variables, JSON on stdin)' },
      listen: { type: 'string', value: 'HOST:PORT', help: 'serve Prometheus metrics on http://HOST:PORT/metrics' },
      since: { type: 'string', value: 'WHEN', help: 'history: from 90s, 30m, 2h, 7d ago or an ISO date' },
      db: { type: 'string', value: 'NAME', help: 'history: one database' },
      limit: { type: 'string', value: 'N', help: 'history: table rows (default 20)' },
      csv: { type: 'boolean', help: 'history: CSV' },
    },
    common: READ_COMMON,
    examples: [
      ['the service, until SIGTERM', 'monitor'],
      ['paging script and Prometheus', "monitor --exec '/usr/local/bin/page-dba' --listen 0.0.0.0:9464"],
      ['from a scheduled task', 'monitor --once --json'],
      ['an Icinga check command', 'monitor --check'],
      ['the last two hours of Patriot', 'monitor history --since 2h --db Patriot'],
    ],
    more: `exit codes (--once, and the service when stopped):
  0    healthy
  10   warning: SYNCHRONIZING, witness lost, a threshold crossed, a server slow, login drift
  11   critical: a partner unreachable, DISCONNECTED, SUSPENDED, two principals, quorum lost
  12   no server of the pair reachable
  2    bad usage or config
  130  interrupted (Ctrl-C), 143 terminated (SIGTERM: the service stops cleanly)`,
    load: () => import('./commands/monitor.js'),
  },
  'connection-string': {
    summary: 'what clients need, with Failover Partner',
    usage: ['connection-string [--database NAME] [--format ado|odbc|jdbc] [--json]'],
    about:
      'Prints, per configured database, the connection string clients need to follow a failover:\nthe principal and its Failover Partner (ado: Failover Partner=, odbc: Failover_Partner=,\njdbc: failoverPartner=). Built from the config; no connection is made.',
    options: {
      database: { type: 'string', value: 'NAME', help: 'only this database' },
      format: { type: 'string', value: 'FORMAT', help: 'ado (default), odbc or jdbc' },
    },
    common: ['config', 'json'],
    maxPositionals: 0,
    examples: [
      ['for the Patriot services (ADO.NET)', 'connection-string'],
      ['one database, for an ODBC client', 'connection-string --database Patriot --format odbc'],
    ],
    load: () => import('./commands/connection-string.js'),
  },
  lab: {
    summary: 'the simulated SQL Server pair: start|stop|status|fault|workload|log|sessions|service-account|host|copy|behaviour',
    usage: [
      'lab start [--witness] [--version 2008R2|2012|2014|2016|2017|2019|2022] [--edition Enterprise|Standard|Developer|Express] [--site fresh|guide]',
      'lab stop | lab status',
      'lab fault <instance> down|up|isolate|heal|slow <ms>|clock <offset: +400d, -3d, 0>',
      'lab workload <instance> <tps> [database]',
      'lab log <instance> [--follow]',
      'lab sessions <instance> [list | start <program> | stop <program>]',
      'lab service-account <instance> <account> [<local account password>]',
      'lab host <instance|*> workgroup | domain [name] | paths <data> <log> | mkdir <folder> | volume <drive> <totalGB> <freeGB> | share <name> [<account>…]',
      'lab copy <instance> <from> <to>',
      'lab behaviour <instance|*> [<switch> <value>]',
    ],
    about:
      "Simulated SQL Server instances speaking real TDS, served by a process of their own from a lab\ndirectory (--dir; without it the lab the previous lab command used, else one in the per-user state\ndirectory ~/.local/state/mirrorbook). `lab start` writes a mirrorbook.yaml for the pair;\ncopy is a file copy on the instance's host; behaviour switches are described in lab/README.md.",
    options: {
      dir: { type: 'string', value: 'DIR', help: 'the lab directory' },
      witness: { type: 'boolean', help: 'start: a witness instance too (new lab only)' },
      version: { type: 'string', value: 'VERSION', help: 'start: the SQL Server version to simulate (new lab only)' },
      edition: { type: 'string', value: 'EDITION', help: 'start: the edition to simulate (new lab only)' },
      site: {
        type: 'string',
        value: 'SITE',
        help: "start: guide = built by hand from the vendor guide (RC4 endpoints, its names, the site's own backups); new lab only",
      },
      follow: { type: 'boolean', short: 'f', help: 'log: keep printing new batches until Ctrl-C' },
    },
    common: ['config', 'store', 'json'],
    examples: [
      ['a pair (and its mirrorbook.yaml) in /tmp/mb-lab', 'lab start --dir /tmp/mb-lab'],
      ['lose the principal', 'lab fault SQLPRI01 down --dir /tmp/mb-lab'],
      ['every batch SQLMIR01 received', 'lab log SQLMIR01 --dir /tmp/mb-lab'],
      ['a site built by hand from the vendor guide, to rehearse adopting it', 'lab start --site guide --dir /tmp/mb-guide'],
    ],
    load: () => import('./commands/lab.js'),
  },
  init: {
    summary: 'write a commented mirrorbook.yaml for real servers (from flags, or asking on a terminal)',
    usage: [
      'init --principal HOST[:PORT] --mirror HOST[:PORT] --backup-dir PATH [--witness HOST[:PORT]] [--databases A,B] [--login NAME] [--password env:NAME|file:PATH] [--output FILE] [--force]',
      'init --grants',
    ],
    about:
      'Writes mirrorbook.yaml (or --config / --output FILE) with a comment on every field. Secrets are\nreferences only: env:NAME or file:PATH, never the value (defaults: env:MB_<INSTANCE>_PASSWORD,\nenv:MB_MASTER_KEY_PASSWORD, env:MB_ENDPOINT_LOGIN_PASSWORD). On a terminal it asks for what the\nflags left out; without one, missing flags are named (exit 2). An existing file is kept unless\n--force. --grants prints the T-SQL that gives the mirrorbook login the least privileges the\nprocedures need (docs/grant-mirrorbook-login.sql).',
    options: {
      principal: { type: 'string', value: 'HOST[:PORT]', help: 'the principal (port 1433 unless given)' },
      mirror: { type: 'string', value: 'HOST[:PORT]', help: 'the mirror' },
      witness: { type: 'string', value: 'HOST[:PORT]', help: 'an optional witness' },
      'principal-instance': { type: 'string', value: 'NAME', help: 'what @@SERVERNAME answers on the principal (default: the host name, upper-cased)' },
      'mirror-instance': { type: 'string', value: 'NAME', help: 'the same for the mirror' },
      'witness-instance': { type: 'string', value: 'NAME', help: 'the same for the witness' },
      databases: { type: 'string', value: 'A,B', help: 'databases to mirror (default Patriot, PatriotArchive)' },
      login: { type: 'string', value: 'NAME', help: 'the login mirrorbook connects as (default mirrorbook)' },
      password: { type: 'string', value: 'REF', help: "that login's password: env:NAME or file:PATH (default env:MB_<INSTANCE>_PASSWORD per server)" },
      'ca-file': { type: 'string', value: 'FILE', help: "the CA that signed the servers' certificates (relative to the config)" },
      'backup-dir': { type: 'string', value: 'PATH', help: "where the principal writes backups, e.g. 'D:\\Backup'" },
      'backup-share': { type: 'string', value: 'UNC', help: 'that folder as the mirror reads it (default \\\\<principal>\\<folder name>)' },
      'master-key-password': { type: 'string', value: 'REF', help: 'env:NAME or file:PATH (default env:MB_MASTER_KEY_PASSWORD)' },
      'endpoint-login-password': { type: 'string', value: 'REF', help: 'env:NAME or file:PATH (default env:MB_ENDPOINT_LOGIN_PASSWORD)' },
      'service-account': {
        type: 'string',
        value: 'DOMAIN\\NAME',
        help: 'domain authentication between the endpoints with this account (default: certificates)',
      },
      output: { type: 'string', value: 'FILE', help: 'where to write (default --config, else ./mirrorbook.yaml)' },
      force: { type: 'boolean', help: 'replace an existing file' },
      grants: { type: 'boolean', help: "print the T-SQL granting the mirrorbook login's least privileges" },
    },
    common: ['config'],
    maxPositionals: 0,
    examples: [
      ['a config for a Patriot pair', "init --principal sqlpri01.corp.local --mirror sqlmir01.corp.local --backup-dir 'D:\\Backup'"],
      ['asked on the terminal', 'init'],
      ['the grants to run on each server (as sysadmin), for the change board', 'init --grants > grant-mirrorbook-login.sql'],
    ],
    load: () => import('./commands/init.js'),
  },
  demo: {
    summary: 'a lab, a full setup + failover, shown in the TUI',
    usage: ['demo [--keep] [--dir DIR]'],
    about:
      'Starts a lab in a temporary directory (or --dir), runs setup then failover against it in the run\nview (plain lines without a terminal), then prints what to try next.',
    options: {
      keep: { type: 'boolean', help: 'leave the lab running afterwards' },
      dir: { type: 'string', value: 'DIR', help: 'where to put the lab (default a new temporary directory)' },
    },
    common: ['json', 'plain', 'verbose', 'no-color'],
    maxPositionals: 0,
    examples: [
      ['the whole show', 'demo'],
      ['keep the pair running to try the tour', 'demo --keep --dir /tmp/mb-demo'],
    ],
    finishesWithoutOutput: true,
    load: () => import('./commands/demo.js'),
  },
};
