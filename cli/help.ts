// What `mirrorbook --help` and `mirrorbook <command> --help` print, from cli/command-table.ts.

import type { OptionSpec, OptionTable } from './arguments.js';
import { COMMANDS, COMMON_OPTIONS, type CommandSpec } from './command-table.js';

function optionLines(table: OptionTable): string[] {
  const label = (name: string, o: OptionSpec): string => `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
  const rows = Object.entries(table).map(([name, o]) => [label(name, o), o.help] as const);
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, help]) => `  ${l.padEnd(width)}  ${help}`);
}

export function commandHelp(spec: CommandSpec): string {
  const common = Object.fromEntries([...spec.common, 'help' as const].map((n) => [n, COMMON_OPTIONS[n]]));
  return [
    `usage: ${spec.usage.map((u, i) => `${i ? '       ' : ''}mirrorbook ${u}`).join('\n')}`,
    '',
    spec.about,
    '',
    'options:',
    ...optionLines({ ...spec.options, ...common }),
    ...(spec.more ? ['', spec.more] : []),
    '',
    'examples:',
    ...spec.examples.flatMap(([why, line]) => [`  # ${why}`, `  mirrorbook ${line}`]),
  ].join('\n');
}

export function overallHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return `mirrorbook — resumable, audited SQL Server database-mirroring runbooks

usage: mirrorbook <command> [options]      mirrorbook <command> --help      mirrorbook --version

commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

common options:
${optionLines(COMMON_OPTIONS).join('\n')}

examples:
  # a simulated pair, a full setup and a failover, in two minutes
  mirrorbook demo
  # what a setup of your pair will send, then run it
  mirrorbook plan setup --config mirrorbook.yaml
  mirrorbook run setup --config mirrorbook.yaml

environment: MIRRORBOOK_CONFIG, MIRRORBOOK_STORE, NO_COLOR; MIRRORBOOK_RUNBOOKS=module.js loads
  procedures from a module exporting names() and load() instead of the built-in ones (tests,
  rehearsals; see machines/procedure-source.ts); MIRRORBOOK_POLL_MS (10–60000, default 1000)
  sets how often waits and backup/restore progress poll the servers; MIRRORBOOK_SYNC_WAIT_MS
  (100–3600000) overrides the config's waits.withoutProgressSeconds (default 300): how long a
  wait for SYNCHRONIZED goes on while the queues do not shrink before it stops with a hint (while
  they shrink it goes on, with an ETA);
  MIRRORBOOK_READ_TIMEOUT_MS (100–120000, default 120000) how long a probe or verify may wait
  for a server's answer before the step fails with a hint

exit codes: 0 done · 1 a step failed · 2 bad usage/config · 3 needs an operator and there is no
terminal · 4 pair locked by another run · 5 done but a step was skipped · 130/143 interrupted`;
}
