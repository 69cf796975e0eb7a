// `mirrorbook init`: a commented mirrorbook.yaml for real servers, from flags or, on a terminal,
// by asking for what the flags left out. Secrets are only references (env:NAME / file:PATH).
// Without a terminal, missing values are a usage error naming every flag (exit 2). An existing
// file is kept unless --force. `init --grants` prints the T-SQL that gives the mirrorbook login
// the least privileges the procedures need (steps/login-privileges.ts; docs/grant-mirrorbook-login.sql).

import { existsSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Command, CommandContext } from '../command.js';
import { UsageError, optionText } from '../command.js';
import { identifierProblem } from '../../config/identifier.js';
import { parseConfig } from '../../config/load.js';
import { renderConfig, type ConfigAnswers, type ServerAnswers } from '../../config/template.js';
import { grantScript } from '../../steps/login-privileges.js';

const SECRET_REF = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;
const HOST_PORT = /^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:]+\])(?::(\d{1,5}))?$/;

/** The values init needs and cannot default, as flags. */
const REQUIRED = [
  ['principal', 'HOST[:PORT] of the principal'],
  ['mirror', 'HOST[:PORT] of the mirror'],
  ['backup-dir', "where the principal writes backups, e.g. 'D:\\Backup'"],
] as const;

type Ask = (question: string, fallback?: string) => Promise<string>;

function hostPort(flag: string, value: string): { host: string; port: number } {
  const match = HOST_PORT.exec(value.trim());
  const port = Number(match?.[3] ?? 1433);
  if (!match || port < 1 || port > 65535)
    throw new UsageError(`--${flag} ${JSON.stringify(value)} is not HOST[:PORT]`, `e.g. --${flag} sqlpri01.corp.local or --${flag} sqlpri01.corp.local:1433`);
  return { host: match[1]!, port };
}

function secretRef(flag: string, value: string): string {
  if (!SECRET_REF.test(value))
    throw new UsageError(
      `--${flag} must say where the secret comes from, not be the secret`,
      `write env:NAME (an environment variable) or file:PATH (relative to the config); the value itself never goes into the config`,
    );
  return value;
}

/** SQL Server's default instance answers @@SERVERNAME with the host's name, upper-cased. */
const instanceOf = (host: string): string => (host.startsWith('[') ? host : host.split('.')[0]!.toUpperCase());

async function serverAnswers(
  ctx: CommandContext,
  role: 'principal' | 'mirror' | 'witness',
  given: string,
  login: string,
  password: string | undefined,
): Promise<ServerAnswers> {
  const { host, port } = hostPort(role, given);
  const instance = optionText(ctx, `${role}-instance`) ?? instanceOf(host);
  if (/['"\p{Cc}]/u.test(instance) || instance.length > 128)
    throw new UsageError(
      `--${role}-instance ${JSON.stringify(instance)} is not an instance name`,
      'give what SELECT @@SERVERNAME answers on that server, e.g. SQLPRI01 or SQLPRI01\\PATRIOT',
    );
  const caFile = optionText(ctx, 'ca-file');
  return { host, port, instance, login, password: password ?? `env:MB_${instance.replace(/\W/g, '_').toUpperCase()}_PASSWORD`, ...(caFile ? { caFile } : {}) };
}

/** Asks on the terminal; Enter takes the fallback. */
async function terminalAsk(ctx: CommandContext): Promise<{ ask: Ask; close(): void }> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: ctx.stdin, output: ctx.stderr });
  return {
    ask: async (question, fallback) => {
      for (;;) {
        const answer = (await rl.question(`${question}${fallback ? ` [${fallback}]` : ''}: `)).trim() || fallback || '';
        if (answer) return answer;
      }
    },
    close: () => rl.close(),
  };
}

const command: Command = async (ctx) => {
  if (ctx.options.grants) {
    ctx.stdout.write(grantScript());
    return 0;
  }
  // Never the config of a lab found for a command without --config: init writes one for real servers.
  const output = resolve(ctx.cwd, optionText(ctx, 'output') ?? ctx.flags.config ?? ctx.env.MIRRORBOOK_CONFIG ?? 'mirrorbook.yaml');
  if (existsSync(output) && !ctx.options.force)
    throw new UsageError(`${output} exists; nothing was written`, 'pass --force to replace it, or --output FILE to write another file');
  const missing = REQUIRED.filter(([flag]) => optionText(ctx, flag) === undefined);
  const interactive = ctx.stdin.isTTY === true && ctx.stderr.isTTY === true;
  if (missing.length > 0 && !interactive) {
    throw new UsageError(
      `init needs ${missing.map(([flag]) => `--${flag}`).join(', ')}`,
      `${missing.map(([flag, what]) => `--${flag}: ${what}`).join('; ')} (or run init on a terminal to be asked)`,
    );
  }
  const prompt = missing.length > 0 ? await terminalAsk(ctx) : undefined;
  try {
    const value = async (flag: string, question: string, fallback?: string): Promise<string> =>
      optionText(ctx, flag) ?? (prompt ? prompt.ask(question, fallback) : (fallback ?? ''));
    const principalAt = await value('principal', 'principal server (HOST[:PORT])');
    const mirrorAt = await value('mirror', 'mirror server (HOST[:PORT])');
    const witnessAt = optionText(ctx, 'witness');
    const login = optionText(ctx, 'login') ?? 'mirrorbook';
    if (identifierProblem('login', login) && identifierProblem('windows-login', login))
      throw new UsageError(`--login ${JSON.stringify(login)}: ${identifierProblem('login', login)}`, 'the login mirrorbook connects as, e.g. mirrorbook');
    const password = optionText(ctx, 'password');
    if (password !== undefined) secretRef('password', password);
    const databasesText = await value('databases', 'databases to mirror (comma-separated)', 'Patriot, PatriotArchive');
    const databases = databasesText
      .split(',')
      .map((d) => d.trim())
      .filter(Boolean);
    for (const database of databases) {
      const problem = identifierProblem('database', database);
      if (problem)
        throw new UsageError(
          `--databases: ${JSON.stringify(database)} ${problem}`,
          'give the names as SQL Server shows them in sys.databases, comma-separated',
        );
    }
    const backupDirectory = await value('backup-dir', "backup folder on the principal (e.g. 'D:\\Backup')");
    const principal = await serverAnswers(ctx, 'principal', principalAt, login, password);
    const backupShare = await value(
      'backup-share',
      'that folder as the mirror reads it (UNC)',
      `\\\\${principal.host}\\${backupDirectory.replace(/\\+$/, '').split('\\').pop()}`,
    );
    const serviceAccount = optionText(ctx, 'service-account');
    const answers: ConfigAnswers = {
      principal,
      mirror: await serverAnswers(ctx, 'mirror', mirrorAt, login, password),
      ...(witnessAt ? { witness: await serverAnswers(ctx, 'witness', witnessAt, login, password) } : {}),
      databases,
      backupDirectory,
      backupShare,
      masterKeyPassword: secretRef('master-key-password', optionText(ctx, 'master-key-password') ?? 'env:MB_MASTER_KEY_PASSWORD'),
      endpointLoginPassword: secretRef('endpoint-login-password', optionText(ctx, 'endpoint-login-password') ?? 'env:MB_ENDPOINT_LOGIN_PASSWORD'),
      ...(serviceAccount ? { serviceAccount } : {}),
    };
    const text = renderConfig(answers, 'mirrorbook init');
    checkShape(answers, output);
    writeFileSync(output, text, { mode: 0o644 });
    ctx.stdout.write(
      `wrote ${output}\nnext: set the secrets it names (${secretNames(answers).join(', ')}), then 'mirrorbook check setup${output === resolve(ctx.cwd, 'mirrorbook.yaml') ? '' : ` --config ${output}`}'\nthe mirrorbook login's least privileges: 'mirrorbook init --grants' (T-SQL to run on each server)\n`,
    );
    return 0;
  } finally {
    prompt?.close();
  }
};

/** The file must load as config/load.ts reads it: checked with stand-in secrets (the real ones may not exist yet). */
function checkShape(answers: ConfigAnswers, output: string): void {
  const env: NodeJS.ProcessEnv = {};
  let n = 0;
  const standIn = (ref: string) => {
    const name = `MB_INIT_CHECK_${n++}`;
    env[name] = `Stand-in!${ref.length}Passw0rd#${n}`;
    return `env:${name}`;
  };
  const server = (s: ServerAnswers) => ({
    ...s,
    password: standIn(s.password),
    ...(s.caFile ? { caFile: isAbsolute(s.caFile) ? s.caFile : resolve(dirname(output), s.caFile) } : {}),
  });
  const stand: ConfigAnswers = {
    ...answers,
    principal: server(answers.principal),
    mirror: server(answers.mirror),
    ...(answers.witness ? { witness: server(answers.witness) } : {}),
    masterKeyPassword: standIn(answers.masterKeyPassword),
    endpointLoginPassword: standIn(answers.endpointLoginPassword),
  };
  try {
    parseConfig(renderConfig(stand, 'mirrorbook init'), output, { env });
  } catch (error) {
    if (error instanceof UsageError)
      throw new UsageError(
        `the values given would not make a valid config; nothing was written\n${error.message.split('\n').slice(1).join('\n')}`,
        'fix the flags named by the fields above (mirrorbook init --help)',
      );
    throw error;
  }
}

function secretNames(answers: ConfigAnswers): string[] {
  const refs = [
    answers.principal.password,
    answers.mirror.password,
    answers.witness?.password,
    ...(answers.serviceAccount ? [] : [answers.masterKeyPassword, answers.endpointLoginPassword]),
  ];
  return [...new Set(refs.filter((r): r is string => r !== undefined))];
}

export default command;
