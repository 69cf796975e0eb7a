#!/usr/bin/env node
// mirrorbook's entry point: parse the common flags, lazy-load the one command asked for.

import type { Command, CommandContext, GlobalFlags } from './command.js';
import { OperatorError, UsageError } from '../errors/operator-error.js';

// tedious passes an IP address as the TLS server name (DEP0123); the warning tells an operator
// nothing they can act on and would interleave with the run's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

const commands: Record<string, { summary: string; load: () => Promise<{ default: Command }> }> = {
  plan: { summary: 'show every step and its exact T-SQL per server; changes nothing', load: () => import('./commands/plan.js') },
  run: { summary: 'run a procedure (TUI on a terminal, plain lines otherwise)', load: () => import('./commands/run.js') },
  resume: { summary: 'continue the latest (or given) interrupted run', load: () => import('./commands/resume.js') },
  runs: { summary: 'list runs', load: () => import('./commands/runs.js') },
  show: { summary: 'one run: its steps and audit timeline', load: () => import('./commands/show.js') },
  audit: { summary: 'export the audit trail (--format ndjson|csv|md) or `audit verify` it', load: () => import('./commands/audit.js') },
  unlock: { summary: 'force-release the lock on a pair (audited)', load: () => import('./commands/unlock.js') },
  status: { summary: 'both partners, every database: role, state, safety, witness, queues', load: () => import('./commands/status.js') },
  monitor: { summary: 'poll the pair and raise alarms (--once for schedulers)', load: () => import('./commands/monitor.js') },
  'connection-string': { summary: 'what clients need, with Failover Partner', load: () => import('./commands/connection-string.js') },
  lab: { summary: 'the simulated SQL Server pair: start|stop|status|fault|log|sessions|service-account', load: () => import('./commands/lab.js') },
  demo: { summary: 'a lab, a full setup + failover, shown in the TUI', load: () => import('./commands/demo.js') },
};

const USAGE = `mirrorbook — resumable, audited SQL Server database-mirroring runbooks

usage: mirrorbook <command> [options]

commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(18)} ${c.summary}`).join('\n')}

common options:
  --config FILE     config file (default ./mirrorbook.yaml, env MIRRORBOOK_CONFIG)
  --store FILE      state store (default .mirrorbook/state.db beside the config, env MIRRORBOOK_STORE)
  --json            NDJSON events on stdout, no colour
  --plain           plain timestamped lines even on a terminal
  --yes             answer ordinary manual confirmations
  --confirm TEXT    the database or partner name a destructive step asks for (no terminal)
  --operator NAME   who is running this (recorded in the audit trail)
  --no-color        no colour (also NO_COLOR)
  -h, --help        this help

environment: MIRRORBOOK_CONFIG, MIRRORBOOK_STORE, NO_COLOR; MIRRORBOOK_RUNBOOKS=module.js loads
  procedures from a module exporting names() and load() instead of the built-in ones (tests,
  rehearsals; see machines/procedure-source.ts); MIRRORBOOK_POLL_MS (10–60000, default 1000)
  sets how often waits and backup/restore progress poll the servers; MIRRORBOOK_SYNC_WAIT_MS
  (100–1800000, default 1800000) how long a wait for SYNCHRONIZED lasts before it stops with a hint;
  MIRRORBOOK_READ_TIMEOUT_MS (100–120000, default 120000) how long a probe or verify may wait
  for a server's answer before the step fails with a hint

exit codes: 0 done · 1 a step failed · 2 bad usage/config · 3 needs an operator and there is no
terminal · 4 pair locked by another run · 130/143 interrupted`;

function takeGlobalFlags(args: string[], env: NodeJS.ProcessEnv): { flags: GlobalFlags; rest: string[] } {
  const flags: GlobalFlags = { json: false, plain: false, yes: false, color: !env.NO_COLOR };
  const rest: string[] = [];
  const valueOf = (i: number, name: string): string => {
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return value;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const take = (): string => inline ?? valueOf(i++, name);
    switch (name) {
      case '--config': flags.config = take(); break;
      case '--store': flags.store = take(); break;
      case '--confirm': flags.confirm = take(); break;
      case '--operator': flags.operator = operatorName(take()); break;
      case '--json': flags.json = true; flags.color = false; break;
      case '--plain': flags.plain = true; break;
      case '--yes': flags.yes = true; break;
      case '--no-color': flags.color = false; break;
      default: rest.push(arg);
    }
  }
  return { flags, rest };
}

/** The operator name is written into the audit trail for good and echoed to terminals: no control
 * or invisible format characters (an escape sequence could rewrite what a reader sees). */
function operatorName(value: string): string {
  if (/[\p{Cc}\p{Cf}]/u.test(value) || value.length > 128 || value.trim() !== value) {
    throw new UsageError(`--operator ${JSON.stringify(value)} is not allowed`, 'give a plain name such as alice or CORP\\alice: at most 128 characters, no control or invisible characters, no leading or trailing space');
  }
  return value;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const { flags, rest } = takeGlobalFlags(args, process.env);
  const [name, ...argv] = rest;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}'`, `run 'mirrorbook --help' for the list of commands`);
  const ctx: CommandContext = { argv, flags, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  const { default: run } = await command.load();
  return run(ctx);
}

let settled = false;
// A command whose promise can no longer settle (nothing left to wait for) must not exit 0 silently.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('mirrorbook: internal error: the command stopped with nothing left to wait for\n');
  process.exitCode = 70;
});

main().finally(() => { settled = true; }).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    // Operator-facing failures (bad usage, a refused resume, a locked pair, an unusable store) are
    // printed with their hint and no stack.
    if (error instanceof OperatorError) {
      process.stderr.write(`mirrorbook: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`mirrorbook: internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exitCode = 70;
  },
);
