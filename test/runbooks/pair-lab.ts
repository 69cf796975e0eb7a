// A lab pair for the procedure tests: the lab writes mirrorbook.yaml; `mb` runs the CLI with that
// config and a store of the test's own; `status` reads what the partners say.
// Speed: `mb` runs the CLI in the test's process (test/helpers/cli-in-process.ts), `mbProcess` as a
// process of its own where that is what is tested (signals, exit, pipes); simulated backups take
// 5 ms per GB, a (re)started session is SYNCHRONIZED as soon as it has caught up (the lab's
// realistic 3 s of SYNCHRONIZING only with `realisticPace`, for a test that acts while a session
// synchronizes) and waits poll every 50 ms (MIRRORBOOK_POLL_MS) — the tests prove order, outcomes
// and recovery, not durations.
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { ConnectionPool } from 'mssql';
import { join } from 'node:path';
import { SYNCHRONIZED_AFTER_MS } from '../../lab/mirroring/advance.js';
import {
  openPool,
  startCli,
  startCliProcess,
  startTestLab,
  waitFor,
  type CliResult,
  type RunningCli,
  type TestLab,
  type TestLabOptions,
} from '../helpers/lab.js';

export type { RunningCli };

export const FAST_BACKUP_MS_PER_GB = '5';
/** The lab's synchronizedAfterMs for a test about something other than the session's pace. */
export const QUICK_SYNCHRONIZED_AFTER_MS = '0';

export interface PairLabOptions extends TestLabOptions {
  /** Keep the lab's realistic SYNCHRONIZING time (for a test that acts while a session synchronizes). */
  realisticPace?: boolean;
}

export interface PairLab {
  lab: TestLab;
  config: string;
  mb(...args: string[]): Promise<CliResult>;
  /** mb as a process of its own. */
  mbProcess(...args: string[]): Promise<CliResult>;
  /** Starts the CLI and resolves `reached` when its output matches `pattern` (to fault mid-run). */
  mbUntil(pattern: RegExp, ...args: string[]): RunningCli;
  /** mbUntil with options: `until` (default: never), extra `env` for the CLI, `process` for a process of its own. */
  cli(args: string[], options?: PairCliOptions): RunningCli;
  /** Runs T-SQL directly on an instance (the DBA's own fixes and the test's sabotage). */
  sql(instance: string, text: string): Promise<Record<string, unknown>[]>;
  status(): Promise<StatusJson>;
  /** The lab's realistic SYNCHRONIZING time from now on (true), or the quick one (false). */
  pace(realistic: boolean): Promise<void>;
  /** Waits until `database` on `instance` reports the mirroring state (and role, if given). */
  waitFor(instance: string, database: string, state: string, role?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PairCliOptions {
  until?: RegExp;
  env?: NodeJS.ProcessEnv;
  /** A process of its own (what a signal, an exit or a pipe does), not this test's. */
  process?: boolean;
}

export interface StatusJson {
  partners: {
    instance: string;
    reachable: boolean;
    databases: { name: string; state: string; role: string | null; mirroringState: string | null; safety: string | null }[];
  }[];
}

export async function startPairLab({ realisticPace = false, ...options }: PairLabOptions = {}): Promise<PairLab> {
  const lab = await startTestLab(options);
  await lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: FAST_BACKUP_MS_PER_GB });
  const pace = async (realistic: boolean) => {
    const value = realistic ? String(SYNCHRONIZED_AFTER_MS) : QUICK_SYNCHRONIZED_AFTER_MS;
    await lab.control({ op: 'behaviour', instance: '*', name: 'synchronizedAfterMs', value });
  };
  // Set either way: a copy of a set-up pair (test/helpers/set-up-pair.ts) keeps the pace it was built with.
  await pace(realisticPace);
  const config = join(lab.dir, 'mirrorbook.yaml');
  const store = join(lab.dir, 'state.db');
  const mb = (...args: string[]) => cli(args).done;
  const status = async (): Promise<StatusJson> => {
    const result = await mb('status', '--json');
    return JSON.parse(result.stdout) as StatusJson;
  };
  const mbUntil = (pattern: RegExp, ...args: string[]): RunningCli => cli(args, { until: pattern });
  function cli(args: string[], { until, env = {}, process: own = false }: PairCliOptions = {}): RunningCli {
    const start = own ? startCliProcess : startCli;
    return start([...args, '--config', config, '--store', store, '--plain'], { MIRRORBOOK_POLL_MS: '50', ...env }, until ? { until } : {});
  }
  const connect = (instance: string): Promise<ConnectionPool> => openPool(lab.mssqlConfig(instance));
  // A connection of its own per call: what the test sends (USE, SET, a RESTORE) leaves nothing behind.
  const sql = async (instance: string, text: string) => {
    const pool = await connect(instance);
    try {
      return [...((await pool.request().query(text)).recordset ?? [])] as Record<string, unknown>[];
    } finally {
      await pool.close();
    }
  };
  // waitFor's polls only read, so they share one pool per instance (a TLS login every 200 ms costs
  // both sides more than the read); a failed poll drops it, so a restarted instance is found anew.
  const waiters = new Map<string, Promise<ConnectionPool>>();
  const waiterRead = async (instance: string, text: string) => {
    let pool = waiters.get(instance);
    if (!pool) waiters.set(instance, (pool = connect(instance)));
    try {
      return [...((await (await pool).request().query(text)).recordset ?? [])] as Record<string, unknown>[];
    } catch (error) {
      waiters.delete(instance);
      void pool.then((p) => p.close()).catch(() => {});
      throw error;
    }
  };
  const closeWaiters = async () => {
    const pools = [...waiters.values()];
    waiters.clear();
    await Promise.all(pools.map((p) => p.then((open) => open.close()).catch(() => {})));
  };
  return {
    lab,
    config,
    mb,
    mbProcess: (...args) => cli(args, { process: true }).done,
    mbUntil,
    cli,
    sql,
    status,
    pace,
    waitFor: async (instance, database, state, role) => {
      await waitFor(
        `${database} ${state}${role ? ` ${role}` : ''} on ${instance}`,
        async () => {
          const found = await waiterRead(
            instance,
            `SELECT m.mirroring_state_desc AS s, m.mirroring_role_desc AS r FROM sys.database_mirroring m WHERE m.database_id = DB_ID(N'${database}')`,
          );
          return found[0]?.s === state && (role === undefined || found[0]?.r === role);
        },
        60_000,
        200,
      );
    },
    stop: async () => {
      await closeWaiters();
      await lab.stop();
    },
  };
}

/** Lines of a plain run log that report a step's outcome: "step <id>: done", "already done" … */
export function outcomes(stdout: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of stdout.matchAll(/^\S+ step (\S+): (already done|done|FAILED|skipped)/gm)) found.set(m[1]!, m[2]!);
  return found;
}

/** Every batch the partners received, as the lab's batch logs keep them (oldest first per instance). */
export function partnerBatches(pair: PairLab): { instance: string; sql: string; app: string }[] {
  return ['SQLPRI01', 'SQLMIR01'].flatMap((i) =>
    readFileSync(join(pair.lab.dir, 'logs', `${i}.ndjson`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { instance: string; sql: string; app: string }),
  );
}

/** Statements that change a server's objects or data; the pair's lock (sp_getapplock) and reads do not. */
const CHANGE = /^\s*(CREATE|ALTER|BACKUP|RESTORE|DROP|GRANT|DENY|REVOKE|USE\s+\S+\s*;\s*(CREATE|ALTER|BACKUP|RESTORE|DROP|GRANT))/i;

/** The changes among the batches after the first `count` (partnerBatches): what a refused run must not send. */
function changesAfter(pair: PairLab, count: number): string[] {
  return partnerBatches(pair)
    .slice(count)
    .filter((b) => CHANGE.test(b.sql))
    .map((b) => `${b.instance}: ${b.sql}`);
}

/** `run setup` refused by `failed` ✗ preflight rows: exit 1, the servers read, not one change sent to either. */
export async function setupRefusedWithNoChange(pair: PairLab, failed = 1): Promise<CliResult> {
  const before = partnerBatches(pair).length;
  const run = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, new RegExp(`preflight: ${failed} check\\(s\\) failed`));
  assert.ok(partnerBatches(pair).length > before, 'the preflight read the servers');
  assert.equal(changesAfter(pair, before), [], 'no change reached a server');
  return run;
}
