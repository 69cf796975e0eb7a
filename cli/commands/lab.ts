// mirrorbook lab start|stop|status|fault|log|sessions|service-account|host|copy|behaviour — the simulated SQL Server
// site, served by a process of its own from a lab directory: --dir, else the lab the previous lab
// command used (cli/last-lab.ts), else the per-user default (cli/paths.ts says the whole order).

import { createReadStream, existsSync, statSync, watch } from 'node:fs';
import type { Command, CommandContext } from '../command.js';
import { optionText, UsageError } from '../command.js';
import { nearest } from '../../config/nearest.js';
import { resolvePaths } from '../paths.js';
import { LabGoneError, defaultLabDir, isLabDir, rememberLab } from '../last-lab.js';
import { asInvokedHere } from '../as-invoked.js';
import { sendControl, findRunningLab, LabNotRunningError } from '../../lab/control/control-client.js';
import { ControlError, type FaultKind, type HostChange } from '../../lab/control/control-protocol.js';
import { batchLogPath, labDir } from '../../lab/control/lab-dir.js';
import { loadLabState } from '../../lab/persist/lab-state-file.js';
import { parseEdition, parseSite, parseVersion } from '../../lab/control/lab-options.js';
import { startLabProcess, stopLabProcess } from '../../lab/control/launch.js';
import type { InstanceStatus, LabStatus } from '../../lab/control/lab-status.js';
import type { ClientProgram } from '../../lab/model.js';

const USAGE = 'mirrorbook lab --help lists the subcommands and their arguments';

const SUBCOMMANDS = ['start', 'stop', 'status', 'fault', 'log', 'sessions', 'service-account', 'host', 'copy', 'behaviour'];
const FAULTS: readonly FaultKind[] = ['down', 'up', 'isolate', 'heal', 'slow', 'clock'];

interface LabArgs {
  dir: string;
  /** The remembered lab is gone: `start` begins a new one in the default place, the rest say so. */
  gone: boolean;
  positional: string[];
  witness: boolean;
  follow: boolean;
  version?: string;
  edition?: string;
  site?: string;
}

function parseLabArgs(ctx: CommandContext): LabArgs {
  const text = (name: string): string | undefined => optionText(ctx, name);
  const [dir, version, edition, site] = [text('dir'), text('version'), text('edition'), text('site')];
  const paths = resolvePaths(
    { ...(ctx.flags.config ? { config: ctx.flags.config } : {}), ...(ctx.flags.store ? { store: ctx.flags.store } : {}), ...(dir ? { labDir: dir } : {}) },
    ctx.env,
    ctx.cwd,
  );
  const gone = paths.labFrom === 'last' && !isLabDir(paths.labDir);
  // A lab named on the command line is the one the next command without --dir finds.
  if (paths.labFrom === 'dir' && isLabDir(paths.labDir)) rememberLab(ctx.env, paths.labDir);
  return {
    dir: paths.labDir,
    gone,
    positional: ctx.positionals,
    witness: ctx.options.witness === true,
    follow: ctx.options.follow === true,
    ...(version ? { version } : {}),
    ...(edition ? { edition } : {}),
    ...(site ? { site } : {}),
  };
}

const command: Command = async (ctx) => {
  const args = parseLabArgs(ctx);
  const [sub, ...rest] = args.positional;
  try {
    if (args.gone && sub !== 'start' && sub !== undefined && SUBCOMMANDS.includes(sub)) throw new LabGoneError(args.dir);
    switch (sub) {
      case 'start':
        return await start(ctx, args, rest);
      case 'stop':
        return await stop(ctx, args, rest);
      case 'status':
        return await status(ctx, args, rest);
      case 'fault':
        return await fault(ctx, args, rest);
      case 'workload':
        return await workload(ctx, args, rest);
      case 'log':
        return await log(ctx, args, rest);
      case 'sessions':
        return await sessions(ctx, args, rest);
      case 'service-account':
        return await serviceAccount(ctx, args, rest);
      case 'host':
        return await host(ctx, args, rest);
      case 'copy':
        return await copy(ctx, args, rest);
      case 'behaviour':
        return await behaviour(ctx, args, rest);
      case undefined:
        throw new UsageError('lab needs a subcommand', USAGE);
      default: {
        const near = nearest(sub, SUBCOMMANDS);
        throw new UsageError(`unknown lab subcommand '${sub}'`, `${near ? `did you mean 'lab ${near}'? ` : ''}${USAGE}`);
      }
    }
  } catch (error) {
    if (error instanceof ControlError) {
      const say = asInvokedHere(ctx);
      ctx.stderr.write(`mirrorbook lab: ${say(error.message)}\n${error.hint ? `hint: ${say(error.hint)}\n` : ''}`);
      return error.usage ? 2 : 1;
    }
    throw error;
  }
};
export default command;

function expectArgs(rest: string[], count: number, what: string): void {
  if (rest.length < count) throw new UsageError(`missing ${what}`, USAGE);
  if (rest.length > count) throw new UsageError(`unexpected argument '${rest[count]}'`, USAGE);
}

async function start(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  expectArgs(rest, 0, '');
  let version;
  let edition;
  let site;
  try {
    version = args.version === undefined ? undefined : parseVersion(args.version);
    edition = args.edition === undefined ? undefined : parseEdition(args.edition);
    site = args.site === undefined ? undefined : parseSite(args.site);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  // The remembered lab is gone: a new one in the default place rather than in a removed directory.
  const dir = args.gone ? defaultLabDir(ctx.env) : args.dir;
  const existing = existsSync(labDir(dir).state);
  const { started, status } = await startLabProcess({
    dir,
    env: ctx.env,
    ...(args.witness ? { witness: true } : {}),
    ...(version ? { version } : {}),
    ...(edition ? { edition } : {}),
    ...(site ? { site } : {}),
  });
  rememberLab(ctx.env, status.dir);
  if (ctx.flags.json) {
    ctx.stdout.write(JSON.stringify({ started, ...status }) + '\n');
    return 0;
  }
  const ignored =
    existing && (args.witness || version || edition || site)
      ? ' (--witness/--version/--edition/--site apply only to a new lab; this directory already holds one)'
      : '';
  if (args.gone) ctx.stdout.write(`the lab last used, in ${args.dir}, is gone: a new one starts here\n`);
  ctx.stdout.write(started ? `lab started in ${status.dir} (pid ${status.pid})${ignored}\n` : `lab already running in ${status.dir} (pid ${status.pid})\n`);
  ctx.stdout.write(describeLab(status));
  return 0;
}

async function stop(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  expectArgs(rest, 0, '');
  const { wasRunning } = await stopLabProcess(args.dir);
  ctx.stdout.write(
    asInvokedHere(ctx)(
      wasRunning ? `lab in ${args.dir} stopped; its state is kept (mirrorbook lab start --dir ${args.dir} resumes it)\n` : `no lab is running in ${args.dir}\n`,
    ),
  );
  return 0;
}

async function status(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  expectArgs(rest, 0, '');
  if (!findRunningLab(args.dir)) {
    if (ctx.flags.json) ctx.stdout.write(JSON.stringify({ running: false, dir: args.dir, instances: [] }) + '\n');
    throw new LabNotRunningError(args.dir);
  }
  const current = await sendControl<LabStatus>(args.dir, { op: 'status' });
  if (ctx.flags.json) ctx.stdout.write(JSON.stringify({ running: true, ...current }) + '\n');
  else ctx.stdout.write(`lab running in ${current.dir} (pid ${current.pid}, since ${current.startedAt})\n` + describeLab(current));
  return 0;
}

async function fault(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  const [instance, kind, msText] = rest;
  if (!instance) throw new UsageError('missing the instance name', USAGE);
  if (!kind || !FAULTS.includes(kind as FaultKind))
    throw new UsageError(kind ? `unknown fault '${kind}'; expected one of ${FAULTS.join(', ')}` : 'missing the fault kind', USAGE);
  let ms: number | undefined;
  if (kind === 'slow') {
    if (msText === undefined || !/^\d+$/.test(msText))
      throw new UsageError(
        `slow needs a delay in milliseconds, e.g. 'lab fault ${instance} slow 200' (0 clears it)${msText === undefined ? '' : `; found '${msText}'`}`,
      );
    ms = Number(msText);
    expectArgs(rest, 3, '');
  } else if (kind === 'clock') {
    ms = msText === undefined ? undefined : clockOffsetMs(msText);
    if (ms === undefined)
      throw new UsageError(
        `clock needs an offset from the real time: +400d ahead, -3d behind, 90m, 2h, 30s; 0 sets the real time${msText === undefined ? '' : `; found '${msText}'`}`,
      );
    expectArgs(rest, 3, '');
  } else expectArgs(rest, 2, '');
  const result = await sendControl<InstanceStatus>(args.dir, { op: 'fault', instance, fault: kind as FaultKind, ...(ms === undefined ? {} : { ms }) });
  if (ctx.flags.json) ctx.stdout.write(JSON.stringify(result) + '\n');
  else ctx.stdout.write(`${result.name}: ${describeFaults(result)}\n`);
  return 0;
}

async function workload(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  const [instance, tpsText, database] = rest;
  if (!instance) throw new UsageError('missing the instance name', USAGE);
  if (tpsText === undefined || !/^\d+(\.\d+)?$/.test(tpsText) || Number(tpsText) > 100_000)
    throw new UsageError(
      `the workload needs transactions per second (0–100000), e.g. 'lab workload ${instance} 200'${tpsText === undefined ? '' : `; found '${tpsText}'`}`,
      USAGE,
    );
  expectArgs(rest, database === undefined ? 2 : 3, '');
  const result = await sendControl<Record<string, number>>(args.dir, { op: 'workload', instance, tps: Number(tpsText), ...(database ? { database } : {}) });
  if (ctx.flags.json) ctx.stdout.write(JSON.stringify(result) + '\n');
  else
    ctx.stdout.write(
      `${instance}: ${Object.entries(result)
        .map(([d, tps]) => `${d} ${tps} tps`)
        .join(', ')}\n`,
    );
  return 0;
}

async function log(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  expectArgs(rest, 1, 'the instance name');
  const name = knownInstance(args.dir, rest[0]!);
  const path = batchLogPath(labDir(args.dir), name);
  let offset = 0;
  const printFrom = async (): Promise<void> => {
    if (!existsSync(path)) return;
    const size = statSync(path).size;
    if (size <= offset) return;
    const stream = createReadStream(path, { start: offset, end: size - 1 });
    offset = size;
    for await (const chunk of stream) ctx.stdout.write(chunk as Buffer);
  };
  if (!args.follow) {
    await printFrom();
    return 0;
  }
  // Until interrupted; the handlers come first so that an early Ctrl-C still ends cleanly.
  await new Promise<void>((resolve) => {
    let busy = Promise.resolve();
    let watcher: ReturnType<typeof watch> | null = null;
    let timer: NodeJS.Timeout | null = null;
    const end = (): void => {
      watcher?.close();
      if (timer) clearInterval(timer);
      void busy.then(resolve);
    };
    const release = ctx.signals.claim();
    ctx.signals.signal.addEventListener(
      'abort',
      () => {
        release();
        end();
      },
      { once: true },
    );
    if (ctx.signals.signal.aborted) end();
    const poll = (): void => void (busy = busy.then(printFrom));
    poll();
    watcher = watch(labDir(args.dir).logs, poll);
    timer = setInterval(poll, 500);
  });
  return 0;
}

async function sessions(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  const [instance, actionText = 'list', ...programParts] = rest;
  if (!instance) throw new UsageError('missing the instance name', USAGE);
  if (!['list', 'start', 'stop'].includes(actionText)) throw new UsageError(`unknown sessions action '${actionText}'; expected list, start or stop`, USAGE);
  const action = actionText as 'list' | 'start' | 'stop';
  const program = programParts.join(' ');
  if (action === 'list' && program) throw new UsageError(`unexpected argument '${program}'`, USAGE);
  if (action !== 'list' && !program) throw new UsageError(`sessions ${action} needs the program name, e.g. "Patriot Data Service"`, USAGE);
  const programs = await sendControl<ClientProgram[]>(args.dir, { op: 'sessions', instance, action, ...(program ? { program } : {}) });
  if (ctx.flags.json) {
    ctx.stdout.write(JSON.stringify(programs) + '\n');
    return 0;
  }
  if (programs.length === 0) ctx.stdout.write('no simulated client programs\n');
  for (const p of programs)
    ctx.stdout.write(`${String(p.spid).padStart(5)}  ${p.programName.padEnd(28)} ${p.loginName}@${p.hostName}  db=${p.database}  since ${p.loginTime}\n`);
  return 0;
}

async function serviceAccount(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  expectArgs(rest, rest.length === 3 ? 3 : 2, 'the instance name and the account (e.g. LAB\\sqlsvc, or .\\sqlsvc and its password)');
  const [instance, account, password] = rest as [string, string, string?];
  const result = await sendControl<InstanceStatus>(args.dir, { op: 'service-account', instance, account, ...(password !== undefined ? { password } : {}) });
  if (ctx.flags.json) ctx.stdout.write(JSON.stringify(result) + '\n');
  else if (!result.up)
    ctx.stdout.write(
      `${result.name}: service account set to ${result.serviceAccount}; the instance is down, the account applies when it starts (lab fault ${result.name} up)\n`,
    );
  else ctx.stdout.write(`${result.name}: service now runs as ${result.serviceAccount}; restarted at ${result.lastStartupTime} (connections were dropped)\n`);
  return 0;
}

async function host(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  const [instance, kind, ...values] = rest;
  if (!instance || !kind)
    throw new UsageError('missing the instance and what to change', 'e.g. lab host * workgroup, lab host SQLMIR01 paths D:\\SQLData L:\\SQLLogs');
  const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const changes: Record<string, () => HostChange> = {
    workgroup: () => ({ kind: 'workgroup' }),
    domain: () => ({ kind: 'domain', ...(values[0] ? { name: values[0] } : {}) }),
    paths: () => ({ kind: 'paths', data: values[0], log: values[1] ?? values[0] }),
    mkdir: () => ({ kind: 'mkdir', path: values[0] }),
    volume: () => ({ kind: 'volume', drive: values[0], totalGB: number(values[1]), freeGB: number(values[2]) }),
    share: () => ({ kind: 'share', name: values[0], grant: values.slice(1) }),
  };
  const change = changes[kind];
  if (!change) throw new UsageError(`unknown host change '${kind}'`, `expected one of ${Object.keys(changes).join(', ')}`);
  const result = await sendControl<unknown[]>(args.dir, { op: 'host', instance, change: change() });
  ctx.stdout.write(
    ctx.flags.json
      ? JSON.stringify(result) + '\n'
      : `${(result as { host: string }[]).map((h) => h.host).join(', ')}: ${kind} ${values.join(' ')}\n`.replace(/ \n$/, '\n'),
  );
  return 0;
}

async function copy(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  expectArgs(rest, 3, 'the instance whose host copies, the file and where to (e.g. SQLPRI01 D:\\Jobs\\x.trn \\\\SQLPRI01\\Backups\\x.trn)');
  const [instance, from, to] = rest as [string, string, string];
  const result = await sendControl<{ host: string; path: string }>(args.dir, { op: 'copy', instance, from, to });
  if (ctx.flags.json) ctx.stdout.write(JSON.stringify(result) + '\n');
  else ctx.stdout.write(`${result.host}: copied ${from} to ${result.path}\n`);
  return 0;
}

async function behaviour(ctx: CommandContext, args: LabArgs, rest: string[]): Promise<number> {
  const [instance, name, value] = rest;
  if (!instance) throw new UsageError('missing the instance name (or * for all)', USAGE);
  if (name !== undefined && value === undefined) throw new UsageError(`behaviour ${name} needs a value`, USAGE);
  if (rest.length > 3) throw new UsageError(`unexpected argument '${rest[3]}'`, USAGE);
  const result = await sendControl<Record<string, Record<string, unknown>>>(args.dir, {
    op: 'behaviour',
    instance,
    ...(name !== undefined ? { name, value: value! } : {}),
  });
  if (ctx.flags.json) ctx.stdout.write(JSON.stringify(result) + '\n');
  else
    for (const [instanceName, switches] of Object.entries(result))
      ctx.stdout.write(
        `${instanceName}: ${Object.entries(switches)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join('  ')}\n`,
      );
  return 0;
}

/** The instance's name as the lab spells it; refuses names the lab does not have. */
function knownInstance(dir: string, name: string): string {
  const state = loadLabState(dir);
  if (!state) throw new ControlError(`there is no lab in ${dir}`, `start one with: mirrorbook lab start --dir ${dir}`);
  const found = Object.keys(state.instances).find((n) => n.toLowerCase() === name.toLowerCase());
  if (!found) throw new UsageError(`no instance named '${name}' in the lab in ${dir}`, `instances: ${Object.keys(state.instances).join(', ')}`);
  return found;
}

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** "+400d", "-3d", "90m", "0" → milliseconds; undefined when it is not an offset. */
export function clockOffsetMs(text: string): number | undefined {
  if (text === '0') return 0;
  const match = /^([+-]?)(\d{1,6})([dhms])$/.exec(text);
  if (!match) return undefined;
  return (match[1] === '-' ? -1 : 1) * Number(match[2]) * UNIT_MS[match[3]!]!;
}

function describeClock(ms: number): string {
  const unit = (['d', 'h', 'm', 's'] as const).find((u) => ms % UNIT_MS[u]! === 0) ?? 's';
  return `clock ${ms > 0 ? '+' : '-'}${Math.round(Math.abs(ms) / UNIT_MS[unit]!)}${unit}`;
}

function describeFaults(i: InstanceStatus): string {
  const parts = [
    i.up ? 'up' : 'down',
    ...(i.faults.isolated ? ['isolated'] : []),
    ...(i.faults.slowMs ? [`slow ${i.faults.slowMs} ms`] : []),
    ...(i.faults.clockOffsetMs ? [describeClock(i.faults.clockOffsetMs)] : []),
  ];
  return parts.join(', ');
}

function describeLab(status: LabStatus): string {
  const lines = status.instances.map(
    (i) =>
      `  ${i.role.padEnd(9)} ${i.name.padEnd(10)} tds 127.0.0.1:${String(i.port).padEnd(5)} ${describeFaults(i).padEnd(10)} login ${i.login} (password in ${i.passwordFile})  mirroring ${i.mirroringAddress}  ${i.version} ${i.edition}`,
  );
  const losses = status.dataLoss.map(
    (loss) => `  data loss   ${loss.database} on ${loss.instance}: ${loss.transactions} committed transactions (${loss.reason} at ${loss.at})`,
  );
  return [
    ...lines,
    ...losses,
    `  config      ${status.config}`,
    `  credentials ${status.credentials}`,
    `  batch logs  ${status.logs}`,
    `  TLS cert    ${status.tlsCertFile}`,
    '',
  ].join('\n');
}
