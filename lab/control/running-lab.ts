// A lab served from its directory: the state loaded (or a fresh Patriot site created), one TDS
// listener per instance on its persisted loopback port, mirroring advanced on a timer (every 250 ms
// while anything moves, asleep until the next change is due while only progress does), the state
// written atomically after every change, every batch appended to the instance's log, and the
// control channel. lab/process.ts runs one in a process of its own; tests may run one in-process.

import { appendFileSync, mkdirSync, openSync, closeSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import type { Edition, InstanceState, LabState, SqlVersionName } from '../model.js';
import { createSite, siteRoles } from '../site.js';
import { buildGuideSite } from '../guide-site.js';
import { newGuid } from '../instance/principals.js';
import type { SiteKind } from './lab-options.js';
import { restartService } from '../instance/service.js';
import { backupDirectory } from '../instance/database.js';
import { hashPassword } from '../instance/password.js';
import { loadLabState, saveLabState } from '../persist/lab-state-file.js';
import { ENDPOINT_LOGIN_SECRET, MASTER_KEY_SECRET, ensureSecret } from './credentials.js';
import { batchLogPath, labDir, passwordFile, type LabDir } from './lab-dir.js';
import { processAlive, removeControlFile, writeControlFile } from './control-file.js';
import { startControlServer, type ControlServer } from './control-server.js';
import { ControlError, type ControlRequest, type FaultKind } from './control-protocol.js';
import { setBehaviour } from './behaviour-switches.js';
import { writeLabConfig, type LabConfigInput } from './lab-config-file.js';
import type { InstanceStatus, LabStatus } from './lab-status.js';
import { listen, onSessionsThrownOut } from './lab-parts.js';
import type { TdsListener } from '../tds/listener.js';
import type { SqlHandler } from '../tds/handler.js';
import { loadLabTlsCredentials } from '../tls/index.js';
import { createInstanceHandler, type BatchRecord } from '../server/handler.js';
import { advanceLab, SYNCHRONIZED_AFTER_MS, type Advanced } from '../mirroring/advance.js';
import { nextChangeAt } from '../mirroring/next-change.js';
import { applyFault, setServiceAccount, setWorkload, startProgram, stopProgram } from './instance-control.js';
import { copyFile, FileSystemError } from '../storage/files.js';
import { changeHost, setLocalAccount } from './host-control.js';
import { liveSessions } from '../server/sessions.js';

export const ADMIN_LOGIN = 'mirrorbook';
/** The endpoint port the seed uses; mirroring addresses are simulated, not real sockets. */
const DEFAULT_ENDPOINT_PORT = 1430;
/** While anything moves — a session synchronizing, a batch running, the moments after a client's or
 * the control channel's request — the simulation steps this often. */
const TICK_MS = 250;
/** While only progress moves (lab/mirroring/next-change.ts) the lab sleeps until the next change is
 * due, but steps and writes the progress at least this often: a restart after kill -9 simulates the
 * time since as one step (at most advance.ts's MAX_STEP_MS), which for progress alone is exact. */
const QUIET_STEP_MS = 30_000;
/** A change a client or the control channel makes is on disk this soon. */
const CHANGE_WRITTEN_WITHIN_MS = 20;
/** Progress that comes only from time passing (the tick) is on disk this soon. */
const PROGRESS_WRITTEN_WITHIN_MS = 1_000;

export interface LabOptions {
  dir: string;
  /** Only used when the directory holds no lab yet. */
  witness?: boolean;
  version?: SqlVersionName;
  edition?: Edition;
  /** `guide`: the instances already hold what the vendor guide's statements create (RC4 endpoints …). */
  site?: SiteKind;
  /** The lab's clock; real time by default. */
  now?: () => Date;
  /** Called with one line per notable event (the process writes them to its log). */
  log?: (line: string) => void;
}

export interface RunningLab {
  dir: LabDir;
  lab: LabState;
  status(): LabStatus;
  control(request: ControlRequest): Promise<unknown>;
  stop(): Promise<void>;
  /** Settles once the lab has stopped (by stop() or a `stop` control request). */
  stopped: Promise<void>;
}

export class LabAlreadyRunningError extends ControlError {
  constructor(
    readonly pid: number,
    root: string,
  ) {
    super(`a lab is already running in ${root} (pid ${pid})`, `stop it with: mirrorbook lab stop --dir ${root}`);
    this.name = 'LabAlreadyRunningError';
  }
}

export async function openLab(options: LabOptions): Promise<RunningLab> {
  const dir = labDir(options.dir);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  mkdirSync(dir.root, { recursive: true, mode: 0o700 });
  mkdirSync(dir.logs, { recursive: true });
  takeLock(dir);
  const startedAt = now().toISOString();

  let lab: LabState;
  try {
    const loaded = loadLabState(dir.root);
    lab = loaded ?? (await newLab(dir, options, now()));
    // The process stopped every instance it served: each one that was running starts again, with
    // a new process id, start time and error log (the previous one becomes ERRORLOG.1).
    if (loaded) for (const instance of Object.values(lab.instances)) if (instance.service.status === 'Running') restartService(instance, now());
  } catch (error) {
    releaseLock(dir);
    throw error;
  }
  ensureSecret(dir, MASTER_KEY_SECRET);
  ensureSecret(dir, ENDPOINT_LOGIN_SECRET);
  const tls = loadLabTlsCredentials();
  const tlsCertFile = dir.tlsCert;
  writeFileSync(tlsCertFile, tls.cert);

  let dirty = false;
  let flushTimer: NodeJS.Timeout | null = null;
  let flushDue = 0;
  const flush = (): void => {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (!dirty) return;
    dirty = false;
    saveLabState(dir.root, lab);
  };
  /** The state is written within `ms` (or sooner, when a write is already due sooner). */
  const writeWithin = (ms: number): void => {
    dirty = true;
    const due = Date.now() + ms;
    if (flushTimer && flushDue <= due) return;
    if (flushTimer) clearTimeout(flushTimer);
    flushDue = due;
    flushTimer = setTimeout(flush, ms);
  };
  // The step timer: one timeout, re-armed for the earliest step asked for (a setInterval woke an idle
  // lab four times a second, ~0.4 ms of CPU each on a loaded VM, for steps that moved nothing).
  let stepTimer: NodeJS.Timeout | null = null;
  let stepDue = Number.POSITIVE_INFINITY;
  let closed = false;
  const stepWithin = (ms: number): void => {
    if (closed) return;
    const due = Date.now() + ms;
    if (stepTimer && stepDue <= due) return;
    if (stepTimer) clearTimeout(stepTimer);
    stepDue = due;
    stepTimer = setTimeout(tick, ms);
    stepTimer.unref();
  };
  /** A client or the control channel changed the state: written soon, and stepped again soon, as
   * what changed may set something in motion (a session established, a login a program waits for). */
  const changed = (): void => {
    writeWithin(CHANGE_WRITTEN_WITHIN_MS);
    stepWithin(TICK_MS);
  };
  /** Only time's passing moved the state (a running workload's log, the queues, the counters): a
   * restart simulates the lost time again from the older `advancedAt`, so a write a second is enough
   * (a write every tick cost an idle lab ~6 ms of CPU a second). */
  const progressed = (): void => writeWithin(PROGRESS_WRITTEN_WITHIN_MS);
  /** Batches being answered: a batch that waits (WAITFOR in a loop, a backup) sees time move as before. */
  let answering = 0;

  const batchLogs = openBatchLogs(dir);
  const listeners = new Map<string, TdsListener>();
  const handlers = new Map(
    Object.values(lab.instances).map((instance): [string, SqlHandler] => {
      const handler = createInstanceHandler({
        lab,
        instanceName: instance.name,
        now,
        changed,
        logBatch: (record: BatchRecord) => batchLogs.append(instance.name, JSON.stringify(record) + '\n'),
        fault: () => faultOf(lab, instance.name),
        advance: (state, at) => {
          if (advanceLab(state, at)) changed();
          else stepWithin(TICK_MS);
        },
      });
      // Stepped within a tick after each request (logins step and report a change themselves).
      return [
        instance.name,
        {
          ...handler,
          execute: async (request, emit) => {
            answering++;
            try {
              await handler.execute(request, emit);
            } finally {
              answering--;
              stepWithin(TICK_MS);
            }
          },
          transaction: (session, op) => {
            stepWithin(TICK_MS);
            return handler.transaction(session, op);
          },
        },
      ];
    }),
  );

  const startListener = async (instance: InstanceState): Promise<void> => {
    try {
      const listener = await listen({
        instance,
        handler: handlers.get(instance.name)!,
        tls,
        delayMs: () => faultOf(lab, instance.name).slowMs,
      });
      listeners.set(instance.name, listener);
      if (instance.tdsPort !== listener.port) {
        instance.tdsPort = listener.port;
        changed();
      }
      log(`${instance.name} listening on 127.0.0.1:${listener.port}`);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE')
        throw new ControlError(
          `port ${instance.tdsPort} of ${instance.name} is in use by another process`,
          `free the port, or start a fresh lab in another --dir`,
        );
      throw error;
    }
  };
  const stopListener = async (name: string): Promise<void> => {
    const listener = listeners.get(name);
    if (!listener) return;
    listeners.delete(name);
    listener.dropConnections();
    await listener.close();
    log(`${name} stopped listening`);
  };

  const instanceStatus = (instance: InstanceState, index: number): InstanceStatus => {
    const fault = faultOf(lab, instance.name);
    return {
      name: instance.name,
      hostName: instance.host,
      host: '127.0.0.1',
      port: instance.tdsPort,
      login: ADMIN_LOGIN,
      passwordFile: passwordFile(dir, instance.name),
      mirroringAddress: `TCP://${instance.host.toLowerCase()}.lab.local:${instance.endpoint?.port ?? DEFAULT_ENDPOINT_PORT}`,
      up: listeners.has(instance.name),
      role: index === 0 ? 'principal' : index === 1 ? 'mirror' : 'witness',
      version: instance.version,
      edition: instance.edition,
      serviceAccount: instance.service.account,
      lastStartupTime: instance.service.lastStartupTime,
      faults: { ...fault },
      connections: listeners.get(instance.name)?.connectionCount() ?? 0,
    };
  };
  const status = (): LabStatus => ({
    dir: dir.root,
    pid: process.pid,
    startedAt,
    config: dir.config,
    credentials: dir.credentials,
    logs: dir.logs,
    tlsCertFile,
    instances: Object.values(lab.instances).map(instanceStatus),
    dataLoss: lab.dataLoss ?? [],
  });

  const stopThrowingOut = onSessionsThrownOut((instanceName, spids) => {
    const listener = listeners.get(instanceName);
    if (!listener || lab.instances[instanceName] === undefined) return;
    const dropped = spids.filter((spid) => listener.dropSession(spid));
    if (dropped.length > 0) log(`${instanceName}: sessions ${dropped.join(', ')} dropped (their database changed role)`);
  });

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  let controlServer: ControlServer | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      closed = true;
      if (stepTimer) clearTimeout(stepTimer);
      stopThrowingOut();
      removeControlFile(dir.control);
      await controlServer?.close();
      await Promise.all([...listeners.keys()].map(stopListener));
      batchLogs.close();
      dirty = true;
      flush();
      releaseLock(dir);
      log('lab stopped');
      resolveStopped();
    })();
    return stopping;
  };

  /** One step of the simulation, then the next one: in a tick while anything moves, else when the
   * next change is due (at the latest in QUIET_STEP_MS), with the progress so far written first. */
  const tick = (): void => {
    if (stepTimer) clearTimeout(stepTimer);
    stepTimer = null;
    stepDue = Number.POSITIVE_INFINITY;
    const at = now();
    let advanced: Advanced | 'failed';
    try {
      advanced = advanceLab(lab, at);
    } catch (error) {
      // A simulation bug must not take the whole lab (and its clients) down: report it and go on.
      log(`advanceLab failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      advanced = 'failed';
    }
    if (advanced === 'changed') changed();
    else if (advanced === 'progressed') progressed();
    const moving = advanced === 'changed' || advanced === 'failed' || answering > 0;
    const next = moving ? at.getTime() : nextChangeAt(lab, at);
    if (next === at.getTime()) return stepWithin(TICK_MS);
    const sleepMs = Math.min(QUIET_STEP_MS, next === null ? QUIET_STEP_MS : next - at.getTime());
    if (sleepMs >= PROGRESS_WRITTEN_WITHIN_MS) flush();
    stepWithin(sleepMs);
  };

  const instanceNamed = (name: string): InstanceState => {
    const instance = Object.values(lab.instances).find((candidate) => candidate.name.toLowerCase() === name.toLowerCase());
    if (!instance) throw new ControlError(`no instance named '${name}' in this lab`, `instances: ${Object.keys(lab.instances).join(', ')}`, true);
    return instance;
  };

  const control = async (request: ControlRequest): Promise<unknown> => {
    // The time since the last step (up to QUIET_STEP_MS while the lab slept) is simulated under the
    // state as it was, before what the request changes: a fault must not reach back over it. What
    // the request changes may set something in motion: stepped again within a tick (status reads).
    if (request.op !== 'status') {
      tick();
      stepWithin(TICK_MS);
    }
    switch (request.op) {
      case 'status':
        return status();
      case 'stop':
        setImmediate(() => void stop());
        return { stopping: true };
      case 'fault': {
        const instance = instanceNamed(request.instance);
        await fault(instance, request.fault, request.ms);
        tick();
        flush();
        return instanceStatus(instance, Object.values(lab.instances).indexOf(instance));
      }
      case 'workload': {
        const instance = instanceNamed(request.instance);
        const result = setWorkload(instance, request.tps, request.database);
        changed();
        flush();
        log(`workload ${request.tps} tps on ${instance.name}${request.database ? ` ${request.database}` : ''}`);
        return result;
      }
      case 'sessions': {
        const instance = instanceNamed(request.instance);
        if (request.action === 'start') startProgram(lab, instance, requireProgram(request.program), now());
        if (request.action === 'stop') stopProgram(instance, requireProgram(request.program));
        if (request.action !== 'list') {
          changed();
          flush();
        }
        return instance.programs;
      }
      case 'host': {
        const targets = request.instance === '*' ? Object.values(lab.instances) : [instanceNamed(request.instance)];
        const hosts = targets.map((instance) => changeHost(lab, instance, request.change));
        changed();
        flush();
        return [...new Set(hosts)].map((host) => ({
          host: host.name,
          windows: { ...host.windows, localAccounts: Object.keys(host.windows?.localAccounts ?? {}) },
        }));
      }
      case 'disconnect': {
        const instance = instanceNamed(request.instance);
        const listener = listeners.get(instance.name);
        const spids = liveSessions(instance.name)
          .filter((s) => s.info.appName.startsWith(request.program))
          .map((s) => s.info.spid);
        const dropped = listener ? spids.filter((spid) => listener.dropSession(spid)) : [];
        log(`${instance.name}: sessions ${dropped.join(', ') || '(none)'} of '${request.program}' disconnected`);
        return { dropped };
      }
      case 'service-account': {
        const instance = instanceNamed(request.instance);
        if (request.password !== undefined) setLocalAccount(lab, instance, request.account, request.password);
        setServiceAccount(lab, instance, request.account, now());
        listeners.get(instance.name)?.dropConnections();
        tick();
        changed();
        flush();
        return instanceStatus(instance, Object.values(lab.instances).indexOf(instance));
      }
      case 'copy': {
        const instance = instanceNamed(request.instance);
        try {
          const copied = copyFile(lab, instance.host, request.from, request.to);
          changed();
          flush();
          return { host: instance.host, path: copied.path };
        } catch (error) {
          if (error instanceof FileSystemError)
            throw new ControlError(
              `cannot copy ${request.from} to ${request.to} on ${instance.host}: ${error.message}`,
              'paths are as seen from that host: a local path (D:\\Jobs\\x.trn) or a share (\\\\HOST\\share\\x.trn)',
            );
          throw error;
        }
      }
      case 'availability-group': {
        const instance = instanceNamed(request.instance);
        const others = (instance.availabilityGroups ?? []).filter((g) => g.name.toLowerCase() !== request.name.toLowerCase());
        if (request.endpointUrl !== undefined) {
          const replicas = [[request.replicaServerName ?? instance.name, request.endpointUrl], ...Object.entries(request.otherReplicas ?? {})].map(
            ([serverName, endpointUrl]) => ({ replicaId: newGuid(), serverName: serverName!, endpointUrl: endpointUrl! }),
          );
          others.push({
            groupId: newGuid(),
            name: request.name,
            replicas,
            ...(request.databases ? { databases: request.databases.map((name) => ({ name, groupDatabaseId: newGuid() })) } : {}),
          });
        }
        instance.availabilityGroups = others;
        changed();
        flush();
        return instance.availabilityGroups;
      }
      case 'behaviour': {
        const targets = request.instance === '*' ? Object.values(lab.instances) : [instanceNamed(request.instance)];
        if (request.name !== undefined) {
          for (const instance of targets) setBehaviour(instance, request.name, request.value ?? '');
          changed();
          flush();
        }
        // Every switch with the value in effect, the defaults of those never set included.
        return Object.fromEntries(targets.map((instance) => [instance.name, { synchronizedAfterMs: SYNCHRONIZED_AFTER_MS, ...instance.behaviour }]));
      }
      default:
        throw new ControlError(`unknown control request '${(request as { op: string }).op}'`);
    }
  };

  const fault = async (instance: InstanceState, kind: FaultKind, ms: number | undefined): Promise<void> => {
    const wasDown = faultOf(lab, instance.name).down;
    applyFault(lab, instance, kind, ms, now());
    if (kind === 'down' && !wasDown) await stopListener(instance.name);
    if (kind === 'up' && wasDown) {
      try {
        await startListener(instance);
      } catch (error) {
        applyFault(lab, instance, 'down', undefined, now());
        throw error;
      }
    }
    changed();
    log(`fault ${kind}${ms === undefined ? '' : ` ${ms} ms`} on ${instance.name}`);
  };

  try {
    for (const instance of Object.values(lab.instances)) {
      if (!faultOf(lab, instance.name).down) await startListener(instance);
    }
    tick();
    dirty = true;
    flush();
    writeLabConfig(dir, configInput(lab, status().instances));
    controlServer = await startControlServer(control);
    writeControlFile(dir.control, { pid: process.pid, port: controlServer.port, token: controlServer.token, startedAt });
  } catch (error) {
    await stop();
    throw error;
  }
  log(`lab serving ${dir.root}: ${Object.keys(lab.instances).join(', ')}`);
  return { dir, lab, status, control, stop, stopped };
}

async function newLab(dir: LabDir, options: LabOptions, now: Date): Promise<LabState> {
  // One password per instance, as separate servers would have; the guide's statements are run first
  // with one shared password (then replaced), a plain site gets its own at once (an scrypt hash less
  // per instance).
  const guide = options.site === 'guide';
  const adminPassword = guide ? ensureSecret(dir, 'site-admin') : '';
  const lab = createSite({
    adminPassword: guide ? adminPassword : (instance) => ensureSecret(dir, instance),
    adminLogin: ADMIN_LOGIN,
    now,
    ...(options.witness ? { witness: true } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.edition ? { edition: options.edition } : {}),
  });
  if (guide) await buildGuideSite(lab, siteRoles(options), { name: ADMIN_LOGIN, password: adminPassword }, now);
  // A rehearsal (or a test) about something other than seeding time or a session's pace starts its
  // lab with quick backups and a short SYNCHRONIZING.
  const startWith = { backupMsPerGB: process.env.MIRRORBOOK_LAB_BACKUP_MS_PER_GB, synchronizedAfterMs: process.env.MIRRORBOOK_LAB_SYNCHRONIZED_AFTER_MS };
  for (const [name, value] of Object.entries(startWith))
    if (value !== undefined) for (const instance of Object.values(lab.instances)) setBehaviour(instance, name, value);
  if (guide) {
    for (const instance of Object.values(lab.instances)) {
      const login = instance.logins[ADMIN_LOGIN];
      if (login) login.passwordHash = hashPassword(ensureSecret(dir, instance.name));
    }
    unlinkQuietly(passwordFile(dir, 'site-admin'));
  }
  return lab;
}

/** Each instance's batch log, kept open while the lab runs (reopening it per batch was an open and
 * a close per statement the lab answered). Appended synchronously: a test reads its line as soon as
 * its query returns. */
function openBatchLogs(dir: LabDir): { append(instance: string, line: string): void; close(): void } {
  const open = new Map<string, number>();
  let closed = false;
  return {
    append(instance, line) {
      // A batch answered while the lab stops still gets its line.
      if (closed) return appendFileSync(batchLogPath(dir, instance), line);
      let fd = open.get(instance);
      if (fd === undefined) open.set(instance, (fd = openSync(batchLogPath(dir, instance), 'a')));
      writeSync(fd, line);
    },
    close() {
      closed = true;
      for (const fd of open.values()) closeSync(fd);
      open.clear();
    },
  };
}

function configInput(lab: LabState, instances: InstanceStatus[]): LabConfigInput {
  const [principal, mirror] = Object.values(lab.instances) as [InstanceState, InstanceState];
  return {
    instances,
    backup: {
      directory: backupDirectory(principal),
      mirrorReadsFrom: `\\\\${principal.host}\\Backup`,
      mirrorDirectory: backupDirectory(mirror),
      principalReadsFrom: `\\\\${mirror.host}\\Backup`,
    },
  };
}

function faultOf(lab: LabState, name: string) {
  return (lab.faults[name] ??= { down: false, isolated: false, slowMs: 0 });
}

function requireProgram(program: string | undefined): string {
  if (!program) throw new ControlError('name the client program', `e.g. mirrorbook lab sessions SQLPRI01 start "Patriot Data Service"`, true);
  return program;
}

/** Exclusive ownership of the directory: a lock file holding the pid; a dead owner's lock is taken over. */
function takeLock(dir: LabDir): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(dir.lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readQuietly(dir.lock));
      if (owner && processAlive(owner)) throw new LabAlreadyRunningError(owner, dir.root);
      unlinkQuietly(dir.lock);
    }
  }
  throw new ControlError(`could not take the lock ${dir.lock}`);
}

function releaseLock(dir: LabDir): void {
  if (Number(readQuietly(dir.lock)) === process.pid) unlinkQuietly(dir.lock);
}

function readQuietly(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
