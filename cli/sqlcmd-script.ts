// `mirrorbook plan <procedure> --format sqlcmd`: the procedure as a script a change board can read
// and a DBA can run in SSMS's SQLCMD mode (or `sqlcmd -i`): a `:CONNECT` wherever the server
// changes, followed by a batch that stops the script unless @@SERVERNAME is the configured instance;
// a comment per step; `GO` after every batch; `:on error exit`. Secrets are SQLCMD variables the DBA
// sets when running it (`$(MasterKeyPassword)`), never their values. What only a run knows (bytes
// read from the peer, log backups a job took) is scripted the way the steps say (StepDefinition.script)
// or named as a step done by hand. Syntax: learn.microsoft.com/sql/tools/sqlcmd/sqlcmd-commands
// (:Connect server [-U login [-P password]], :Setvar, :On Error exit; commands start a line).

import { UsageError } from '../errors/operator-error.js';
import { MASK } from '../config/secret.js';
import type { MirrorbookConfig, PartnerRole } from '../config/types.js';
import type { LiveMark } from '../machines/live-plan.js';
import type { ProcedureDefinition, ScriptedStep, ScriptVariableOf, StepDefinition } from '../machines/procedure.js';
import { changesServer } from '../machines/statement-kind.js';

export interface SqlcmdScriptOptions {
  hash: string;
  pairKey: string;
  /** The live plan's marks: a change already in place is left in the script as a comment. */
  marks?: readonly LiveMark[];
  /** Why the servers were not probed (offline or unreachable). */
  offline?: string;
  now: Date;
}

const ROLE_VARIABLE: Record<PartnerRole, string> = { principal: 'Principal', mirror: 'Mirror', witness: 'Witness' };

/** The SQLCMD variables of the secrets, by where the config reads them (env:NAME / file:PATH; two
 * fields reading one source hold one value): a secret the config does not name cannot be scripted. */
function secretVariables(config: MirrorbookConfig): Map<string, { name: string; field: string }> {
  const names = new Map<string, { name: string; field: string }>();
  const { masterKeyPassword, endpointLoginPassword } = config.secrets;
  if (endpointLoginPassword) names.set(endpointLoginPassword.source, { name: 'EndpointLoginPassword', field: 'secrets.endpointLoginPassword' });
  if (masterKeyPassword) names.set(masterKeyPassword.source, { name: 'MasterKeyPassword', field: 'secrets.masterKeyPassword' });
  return names;
}

const comment = (text: string): string[] => text.split('\n').map((line) => `-- ${line}`.trimEnd());

/** What the step sends in a script, and whether it changes a server (a check or a wait always runs). */
function scripted(step: StepDefinition): ScriptedStep & { changes: boolean } {
  return { statements: step.plan(), ...step.script?.(), changes: step.plan().some((s) => changesServer(s.tsql.masked)) };
}

export function sqlcmdScript(definition: ProcedureDefinition, config: MirrorbookConfig, options: SqlcmdScriptOptions): string {
  const secrets = secretVariables(config);
  const used = new Map<string, string>();
  const nameOf: ScriptVariableOf = (secret) => {
    const known = secrets.get(secret.source);
    if (!known) throw new Error('a secret the config does not name cannot be scripted');
    used.set(known.name, `${known.field}; mirrorbook reads it from ${secret.source}`);
    return known.name;
  };
  const servers = (['principal', 'mirror', 'witness'] as const).flatMap((role) => (config.pair[role] ? [config.pair[role]] : []));
  const steps: string[] = [];
  const byHand: string[] = [];
  let connected: string | undefined;
  definition.steps.forEach((step, i) => {
    const mark = options.marks?.[i];
    const { statements, byHand: hand, note, changes } = scripted(step);
    const alreadyDone = mark?.state === 'already-done' && changes;
    const server = step.target === 'operator' ? 'you' : `${config.pair[step.target]?.instance ?? step.target} (${step.target})`;
    const lines = ['', `-- ── Step ${i + 1}/${definition.steps.length}: ${step.title}`, `-- [${step.id}] on ${server}`];
    if (step.manual) {
      lines.push(...comment(`BY HAND, before the next step: ${step.manual.instructions}`));
      byHand.push(`before step ${i + 1}: ${step.manual.instructions}`);
    }
    if (step.destructive)
      lines.push(
        ...comment(
          `DESTRUCTIVE: ${step.destructive.consequences}. mirrorbook asks you to type '${step.destructive.confirmText}' here; in this script, running it is the confirmation.`,
        ),
      );
    if (note) lines.push(...comment(`In this script: ${note}.`));
    if (alreadyDone) lines.push(...comment(`already done on the live pair when this script was written (${mark.detail}); left out:`));
    if (hand) {
      lines.push(...comment(`BY HAND: ${hand}`));
      byHand.push(`step ${i + 1}: ${hand}`);
    }
    for (const statement of statements) {
      const text = statement.tsql.scripted ? statement.tsql.scripted(nameOf) : statement.tsql.masked;
      if (text.includes(MASK) || text.includes('0x…'))
        throw new Error(`step ${step.id} holds a value only a run knows and has no script: ${text.slice(0, 80)}`);
      if (/^\s*--/.test(text) && !text.includes('\n')) continue;
      if (alreadyDone) {
        lines.push(...comment(text));
        continue;
      }
      if (statement.target !== connected) {
        lines.push(...connect(config, statement.target));
        connected = statement.target;
      }
      lines.push(text, 'GO');
    }
    steps.push(lines.join('\n'));
  });
  const body = steps.join('\n');
  for (const match of body.matchAll(/\$\(([^)]*)\)/g)) {
    const known = ['Server', 'Login', 'Password'].some((part) => servers.some((s) => match[1] === `${ROLE_VARIABLE[s.role]}${part}`)) || used.has(match[1]!);
    if (!known)
      throw new UsageError(
        `the script would contain '$(${match[1]})', which SQLCMD would replace`,
        'a value in the config (a path or name) contains $( … ): SQLCMD expands it as a variable; rename it or run the procedure with mirrorbook run',
      );
  }
  return [...header(definition, config, options, used, byHand), body, '', `-- end of ${definition.name}: ${definition.steps.length} steps`, ''].join('\n');
}

function connect(config: MirrorbookConfig, role: PartnerRole): string[] {
  const server = config.pair[role];
  if (!server) throw new UsageError(`the procedure needs the ${role}, which the config does not name`, `add pair.${role} to ${config.path}`);
  const v = ROLE_VARIABLE[role];
  return [
    `:CONNECT $(${v}Server) -U $(${v}Login) -P $(${v}Password)`,
    `IF @@SERVERNAME <> N'${server.instance.replaceAll("'", "''")}' RAISERROR(N'connected to %s, not ${server.instance.replaceAll("'", "''").replaceAll('%', '%%')}: check $(${v}Server)', 16, 1, @@SERVERNAME);`,
    'GO',
  ];
}

function header(
  definition: ProcedureDefinition,
  config: MirrorbookConfig,
  options: SqlcmdScriptOptions,
  secrets: Map<string, string>,
  byHand: string[],
): string[] {
  const servers = (['principal', 'mirror', 'witness'] as const).flatMap((role) => (config.pair[role] ? [config.pair[role]] : []));
  const written = options.now.toISOString().replace('T', ' ').slice(0, 16);
  const state = options.marks
    ? `probed the live pair at ${written} UTC: a change already in place then is left as a comment`
    : `written from the config alone at ${written} UTC (${options.offline ?? 'not probed'}): every step is in it`;
  const passwords = servers.map((s) => [`${ROLE_VARIABLE[s.role]}Password`, `pair.${s.role}.password; mirrorbook reads it from ${s.password.source}`] as const);
  return [
    `-- ${definition.title} (${definition.name}) on ${options.pairKey}: ${definition.steps.length} steps`,
    `-- Written by: mirrorbook plan ${definition.name} --format sqlcmd  (config ${config.path})`,
    `-- plan hash ${options.hash}: 'mirrorbook run ${definition.name} --plan-hash ${options.hash}' runs this same plan,`,
    '-- with its probes, checkpoints and audit trail; this script is the same statements for SSMS.',
    `-- ${state}.`,
    '--',
    '-- Run it in SSMS with Query > SQLCMD Mode, or: sqlcmd -i this-file.sql -v NAME="value" …',
    '-- It stops at the first error. Every :CONNECT is followed by a check of @@SERVERNAME.',
    ...(byHand.length > 0 ? ['--', '-- Done by hand (each is repeated at its step):', ...byHand.map((h) => `--   • ${h}`)] : []),
    '',
    ':on error exit',
    '',
    '-- The servers (for Windows authentication remove -U and -P from the :CONNECT lines).',
    ...servers.flatMap((s) => [`:setvar ${ROLE_VARIABLE[s.role]}Server "${s.server},${s.port}"`, `:setvar ${ROLE_VARIABLE[s.role]}Login "${s.login}"`]),
    '',
    '-- Secrets are never written here. In SSMS uncomment these lines and fill them in just before',
    '-- running (do not save the file with them); with sqlcmd leave them commented and pass -v instead.',
    ...[...passwords, ...secrets].map(([name, what]) => `-- :setvar ${name} ""    -- ${what}`),
    ...(secrets.size > 0
      ? [
          '',
          '-- Every secret must be set before anything runs (an undefined variable stops SQLCMD here).',
          ...connect(config, 'principal'),
          `IF ${[...secrets.keys()].map((name) => `N'$(${name})' = N''`).join(' OR ')} RAISERROR(N'set the secret variables first (see the top of the script)', 16, 1);`,
          'GO',
        ]
      : []),
  ];
}
