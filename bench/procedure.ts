// A real procedure against the same statements sent straight through mssql, in the same run.
// Each round: a fresh lab pair runs `mirrorbook run setup --yes` through the built CLI (whole
// process, timed); its batch logs give every statement the procedure sent, in order, and its audit
// trail gives the windows where it waited for SYNCHRONIZED. Then a second fresh lab pair, with the
// same fast-backup switch, gets those statements through one mssql pool per instance, the waits
// replaced by the same poll (every 50 ms, as MIRRORBOOK_POLL_MS=50 makes the CLI poll) until the
// database is SYNCHRONIZED. Where the procedure used what it read — a certificate exported from one
// partner and created from its bytes on the other — the direct side does the same with what its
// own lab returns. Both sides must end with every database SYNCHRONIZED, and a replayed statement
// must fail exactly where the procedure's did.
// Usage: npm run build && node --import tsx bench/procedure.ts [--rounds N]

import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sql from 'mssql';
import { openStore } from '../store/index.js';
import type { BatchRecord } from '../lab/server/runtime.js';
import { FAST_BACKUP_MS_PER_GB, startPairLab, type PairLab } from '../test/runbooks/pair-lab.js';
import { describe, fmt, spread } from './support/stats.js';
import { report } from './support/summary.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const ROUNDS = arg('rounds', 5);
const POLL_MS = 50;
const DATABASES = ['Patriot', 'PatriotArchive'];
// The lab's config names the partners by IP address, as the CLI's does; the driver's warning that
// TLS SNI ignores an IP address would otherwise be printed into the bench's output.
process.noDeprecation = true;

/** What the driver sends by itself (session options at login, the pool's SELECT 1 before handing
 * out a connection); the direct side's own pools send those too. */
const driverBatch = (b: BatchRecord) => (!b.rpc && /^set ansi_nulls on/i.test(b.sql)) || b.sql.trim() === 'SELECT 1;';

type Action = { kind: 'batch'; batch: BatchRecord } | { kind: 'wait'; database: string };

/** Every batch the lab's instances received, in the order they finished. */
function batchLog(pair: PairLab): BatchRecord[] {
  const logs = join(pair.lab.dir, 'logs');
  return readdirSync(logs)
    .flatMap((f) =>
      readFileSync(join(logs, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as BatchRecord),
    )
    .sort((a, b) => a.ts.localeCompare(b.ts));
}

/** How long a side took before the lab saw its first batch (a login's included) and after its last. */
function edges(pair: PairLab, startedAt: number, endedAt: number): { before: number; after: number } {
  const batches = batchLog(pair);
  return { before: Date.parse(batches[0]!.ts) - startedAt, after: endedAt - Date.parse(batches.at(-1)!.ts) };
}

/** The procedure's statements in the order they finished, each wait-SYNCHRONIZED apply as one wait. */
function script(pair: PairLab): { actions: Action[]; waited: number; waitMs: number } {
  const batches = batchLog(pair).filter((b) => !driverBatch(b));
  const store = openStore(join(pair.lab.dir, 'state.db'), { readonly: true });
  const run = store.runs.latest();
  if (!run) throw new Error('the setup run left no run in its store');
  const records = store.audit.forRun(run.id);
  store.close();
  const waits = records
    .filter((r) => r.kind === 'intent' && /\.wait-synchronized\./.test(r.stepId ?? ''))
    .map((intent) => {
      const outcome = records.find((r) => r.kind === 'outcome' && r.stepId === intent.stepId && r.seq > intent.seq);
      if (!outcome) throw new Error(`no outcome for ${intent.stepId}`);
      return {
        database: intent.stepId!.slice(intent.stepId!.lastIndexOf('.wait-synchronized.') + '.wait-synchronized.'.length),
        from: intent.ts,
        to: outcome.ts,
        placed: false,
      };
    });
  const actions: Action[] = [];
  let waited = 0;
  for (const batch of batches) {
    const wait = waits.find((w) => batch.ts > w.from && batch.ts <= w.to);
    if (!wait) {
      actions.push({ kind: 'batch', batch });
      continue;
    }
    waited++;
    if (!wait.placed) actions.push({ kind: 'wait', database: wait.database });
    wait.placed = true;
  }
  for (const w of waits) if (!w.placed) actions.push({ kind: 'wait', database: w.database });
  const waitMs = waits.reduce((sum, w) => sum + Date.parse(w.to) - Date.parse(w.from), 0);
  return { actions, waited, waitMs };
}

async function mirroringState(pool: sql.ConnectionPool, database: string): Promise<string | null> {
  const result = await pool
    .request()
    .query<{ s: string | null }>(`SELECT mirroring_state_desc AS s FROM sys.database_mirroring WHERE database_id = DB_ID(N'${database}')`);
  return result.recordset[0]?.s ?? null;
}

async function allSynchronized(pair: PairLab): Promise<boolean> {
  const pool = await new sql.ConnectionPool(pair.lab.mssqlConfig('SQLPRI01')).connect();
  try {
    for (const d of DATABASES) if ((await mirroringState(pool, d)) !== 'SYNCHRONIZED') return false;
    return true;
  } finally {
    await pool.close();
  }
}

/** A certificate created FROM BINARY gets the bytes this lab exported for that name. */
function withCertificatesOf(exported: Map<string, string>, text: string): string {
  return text.replace(/(CREATE CERTIFICATE \[([^\]]+)\][^;]*?FROM BINARY = 0x)([0-9A-F]+)/gi, (whole, head: string, name: string) => {
    const der = exported.get(name);
    if (!der) throw new Error(`certificate ${name} is created from bytes this lab has not exported`);
    return head + der;
  });
}

/** Sends the actions to `pair`, timed from the first connection to the last pool closed; `waitMs`
 * is the part spent polling for SYNCHRONIZED. */
async function direct(pair: PairLab, actions: Action[]): Promise<{ ms: number; waitMs: number }> {
  const started = performance.now();
  const exported = new Map<string, string>();
  const pools = new Map<string, sql.ConnectionPool>();
  let waitMs = 0;
  const poolFor = async (instance: string) => {
    let pool = pools.get(instance);
    if (!pool) {
      pool = await new sql.ConnectionPool(
        pair.lab.mssqlConfig(instance, 'trust', { pool: { min: 0, max: 2 }, requestTimeout: 0, options: { appName: 'bench-direct' } }),
      ).connect();
      pools.set(instance, pool);
    }
    return pool;
  };
  try {
    for (const action of actions) {
      if (action.kind === 'wait') {
        const principal = await poolFor('SQLPRI01');
        const waitStarted = performance.now();
        while ((await mirroringState(principal, action.database)) !== 'SYNCHRONIZED') await new Promise((r) => setTimeout(r, POLL_MS));
        waitMs += performance.now() - waitStarted;
        continue;
      }
      const { batch } = action;
      const text = withCertificatesOf(exported, batch.database.toLowerCase() === 'master' ? batch.sql : `USE [${batch.database}];\n${batch.sql}`);
      let failed: unknown;
      try {
        const result = await (await poolFor(batch.instance)).request().query(text);
        const certificate = /CERTENCODED\(CERT_ID\(N'([^']+)'\)\)/i.exec(batch.sql)?.[1];
        const der = result.recordset?.[0]?.der as Buffer | undefined;
        if (certificate && der) exported.set(certificate, der.toString('hex').toUpperCase());
      } catch (error) {
        if (!(error instanceof sql.RequestError)) throw error;
        failed = error;
      }
      if (Boolean(failed) !== batch.errors.length > 0)
        throw new Error(
          `replayed batch ${failed ? `failed (${String(failed)})` : 'succeeded'} where the procedure's ${failed ? 'succeeded' : `failed (${batch.errors.join(', ')})`}: ${batch.sql.slice(0, 200)}`,
        );
    }
  } finally {
    for (const pool of pools.values()) await pool.close();
  }
  return { ms: performance.now() - started, waitMs };
}

const load = [loadavg()[0]!];
interface Round {
  cli: number;
  cliWait: number;
  cliEdges: { before: number; after: number };
  direct: number;
  directWait: number;
  directEdges: { before: number; after: number };
  statements: number;
  polls: number;
}
const rows: Round[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const first = await startPairLab();
  let actions: Action[];
  let cliMs: number;
  let waited: number;
  let cliWait: number;
  let cliEdges: Round['cliEdges'];
  try {
    const startedAt = Date.now();
    const started = performance.now();
    const result = await first.mb('run', 'setup', '--yes');
    cliMs = performance.now() - started;
    cliEdges = edges(first, startedAt, Date.now());
    if (result.code !== 0) throw new Error(`run setup exited ${result.code}: ${result.stdout.slice(-2000)}${result.stderr}`);
    if (!(await allSynchronized(first))) throw new Error('run setup ended without every database SYNCHRONIZED');
    ({ actions, waited, waitMs: cliWait } = script(first));
  } finally {
    await first.stop();
  }
  const second = await startPairLab();
  try {
    const startedAt = Date.now();
    const straight = await direct(second, actions);
    const directEdges = edges(second, startedAt, Date.now());
    if (!(await allSynchronized(second))) throw new Error('the direct statements ended without every database SYNCHRONIZED');
    rows.push({
      cli: cliMs,
      cliWait,
      cliEdges,
      direct: straight.ms,
      directWait: straight.waitMs,
      directEdges,
      statements: actions.filter((a) => a.kind === 'batch').length,
      polls: waited,
    });
  } finally {
    await second.stop();
  }
  load.push(loadavg()[0]!);
}

const cli = spread(rows.map((r) => r.cli / 1000));
const straight = spread(rows.map((r) => r.direct / 1000));
const ratio = spread(rows.map((r) => r.cli / r.direct));
const cliBusy = spread(rows.map((r) => (r.cli - r.cliWait) / 1000));
const straightBusy = spread(rows.map((r) => (r.direct - r.directWait) / 1000));
const busyRatio = spread(rows.map((r) => (r.cli - r.cliWait) / (r.direct - r.directWait)));
const range = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? String(xs[0]) : `${Math.min(...xs)}–${Math.max(...xs)}`);
const statements = range(rows.map((r) => r.statements));
const polls = range(rows.map((r) => r.polls));
const before = spread(rows.map((r) => r.cliEdges.before));
const line = (label: string, value: string) => `  ${label.padEnd(58)} ${value}`;
console.log(
  [
    `bench/procedure: setup (certificate auth, restore, enable; ${DATABASES.join(', ')}), a fresh lab pair per side, ${ROUNDS} rounds, backups at ${FAST_BACKUP_MS_PER_GB} ms/GB, polls every ${POLL_MS} ms; median, min–max; node ${process.version}; load ${fmt(Math.min(...load))}–${fmt(Math.max(...load))}`,
    line('mirrorbook run setup --yes (built CLI, whole process)', describe(cli, 's')),
    line(`the same ${statements} statements straight through mssql`, describe(straight, 's')),
    line('ratio', describe(ratio, '×')),
    `  outside the waits for SYNCHRONIZED (the CLI's ${polls} wait polls vs the same poll on the direct side):`,
    line('  procedure', describe(cliBusy, 's')),
    line('  direct', describe(straightBusy, 's')),
    line('  ratio', describe(busyRatio, '×')),
    '  before the lab saw the first batch (process start, config, connecting):',
    line('  procedure', describe(before, 'ms')),
    line('  direct', describe(spread(rows.map((r) => r.directEdges.before)), 'ms')),
    '  after the last batch (closing, process exit):',
    line('  procedure', describe(spread(rows.map((r) => r.cliEdges.after)), 'ms')),
    line('  direct', describe(spread(rows.map((r) => r.directEdges.after)), 'ms')),
  ].join('\n'),
);
report('procedure', 'run setup through the CLI', cli, 's');
report('procedure', `same ${statements} statements straight through mssql`, straight, 's');
report('procedure', 'ratio CLI / direct', ratio, '×');
report('procedure', 'ratio outside the SYNCHRONIZED waits', busyRatio, '×', `${fmt(cliBusy.median)} s vs ${fmt(straightBusy.median)} s`);
report('procedure', 'CLI: process start to first batch', before, 'ms', `direct side ${fmt(spread(rows.map((r) => r.directEdges.before)).median)} ms`);
