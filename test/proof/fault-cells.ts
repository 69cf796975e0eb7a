// The fault matrix's cells: one lab fault (down, isolated, slow) on one partner at one phase of one
// procedure, run through the real CLI against the lab. A failing cell must exit 1 with the message
// and a hint, leave the run recorded as failed with the exact resume command, the journal without
// an intent in doubt and the audit chain intact; once the fault heals, that resume command
// finishes the run (exit 0) without rewriting what was recorded.
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import type { AuditRecord, JournalEntry } from '../../store/types.js';
import type { CliResult } from '../helpers/lab.js';
import { FAST_BACKUP_MS_PER_GB, startPairLab, type PairLab, type PairLabOptions } from '../runbooks/pair-lab.js';
import { runInProcess } from './support.js';

export type FaultKind = 'down' | 'isolate' | 'slow';
export type Partner = 'principal' | 'mirror' | 'witness';
export type Phase = 'connect' | 'probe' | 'apply' | 'wait';

export interface Cell {
  procedure: string;
  target: Partner;
  fault: FaultKind;
  phase: Phase;
}

export const cellName = (c: Cell): string => `${c.procedure} × ${c.target} ${c.fault} @ ${c.phase}`;

export const INSTANCE: Record<Partner, string> = { principal: 'SQLPRI01', mirror: 'SQLMIR01', witness: 'SQLWIT01' };

export interface FaultPair extends PairLab {
  store: string;
  /** The CLI with this pair's config and store, plain output, MIRRORBOOK_POLL_MS=50 plus `env`. */
  start: PairLab['cli'];
  run(...args: string[]): Promise<CliResult>;
  fault(partner: Partner, action: 'down' | 'up' | 'isolate' | 'heal' | 'slow', ms?: number): Promise<void>;
}

export async function startFaultPair(options: PairLabOptions = {}): Promise<FaultPair> {
  const pair = await startPairLab(options);
  const store = join(pair.lab.dir, 'state.db');
  return {
    ...pair,
    store,
    start: pair.cli,
    run: (...args) => pair.cli(args).done,
    fault: async (partner, action, ms) => {
      await pair.lab.control({ op: 'fault', instance: INSTANCE[partner], fault: action, ...(ms !== undefined ? { ms } : {}) });
    },
  };
}

export { FAST_BACKUP_MS_PER_GB };

interface Shown {
  run: { id: string; status: string; exitCode: number | null };
  steps: { id: string; status: string }[];
  journal: JournalEntry[];
  audit: AuditRecord[];
}

/** A read command (show, runs, audit verify) on the pair's store, run in this process: it reads the
 * store the failing and resuming processes wrote, so a process of its own proves nothing more. */
function read(pair: FaultPair, ...args: string[]): Promise<CliResult> {
  return runInProcess([...args, '--config', pair.config, '--store', pair.store, '--plain']);
}

async function show(pair: FaultPair, runId: string, name: string): Promise<Shown> {
  const shown = await read(pair, 'show', runId, '--json');
  assert.is(shown.code, 0, `${name}: show ${runId}: ${shown.stderr}`);
  return JSON.parse(shown.stdout) as Shown;
}

async function assertAuditIntact(pair: FaultPair, name: string): Promise<void> {
  const verified = await read(pair, 'audit', 'verify', '--local');
  assert.is(verified.code, 0, `${name}: audit verify: ${verified.stdout}${verified.stderr}`);
  assert.match(verified.stdout, /audit trail intact/, name);
}

/** Every intent the run wrote has its outcome, and the audit holds one intent record per entry. */
function assertNoIntentLost(shown: Shown, name: string): void {
  const inDoubt = shown.journal.filter((e) => e.outcome === null).map((e) => `${e.stepId} attempt ${e.attempt}`);
  assert.equal(inDoubt, [], `${name}: intents without an outcome`);
  assert.is(shown.audit.filter((a) => a.kind === 'intent').length, shown.journal.length, `${name}: one audit intent per journal entry`);
}

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

export interface FailingCell {
  /** Runs the procedure with the fault in place (or injects it on the way) and returns its result. */
  fail(): Promise<CliResult>;
  /** What the failure must say: the error line and the hint line. */
  message: RegExp;
  hint: RegExp;
  /** Clears the fault and waits until the lab shows it healed. */
  heal(): Promise<void>;
  /** Extra resume arguments (a destructive step's --confirm). */
  resumeArgs?: string[];
  /** The pair's state once the resumed run is done. */
  endState(): Promise<void>;
}

/** Runs a failing cell to its end: the failure as the matrix demands it, then heal and resume. */
export async function failingCell(pair: FaultPair, cell: Cell, spec: FailingCell): Promise<void> {
  const name = cellName(cell);
  const failed = await spec.fail();
  const output = failed.stdout + failed.stderr;
  assert.is(failed.code, 1, `${name}: exit code\n${output.slice(-3000)}`);
  assert.not.match(output, STACK_LINE, `${name}: no stack trace`);
  assert.match(failed.stdout, spec.message, `${name}: the error names what failed\n${failed.stdout.slice(-3000)}`);
  const hints = failed.stdout.split('\n').filter((line) => line.startsWith('  hint: '));
  assert.ok(
    hints.some((line) => spec.hint.test(line)),
    `${name}: a hint matching ${String(spec.hint)}\n${hints.join('\n')}\n${failed.stdout.slice(-2000)}`,
  );
  // A failure that stays until fixed (a path, a login …) says so before the same command.
  const resume = /^(?:to continue|once that is fixed \(hint above\), continue): (\S.* resume (\S+) --config (\S+) --store (\S+))$/m.exec(failed.stdout);
  assert.ok(resume, `${name}: the exact resume command is printed`);
  const [, , runId, config, store] = resume;
  assert.is(config, pair.config, `${name}: resume command names the config`);
  assert.is(store, pair.store, `${name}: resume command names the store`);

  const before = await show(pair, runId!, name);
  assert.is(before.run.status, 'failed', `${name}: run recorded as failed`);
  assert.is(before.run.exitCode, 1, name);
  assert.ok(
    before.steps.some((s) => s.status === 'failed'),
    `${name}: the failed step is recorded`,
  );
  assertNoIntentLost(before, name);

  await spec.heal();
  const resumed = await pair.run('resume', runId!, '--yes', ...(spec.resumeArgs ?? []));
  assert.is(resumed.code, 0, `${name}: resume after the fault healed\n${(resumed.stdout + resumed.stderr).slice(-3000)}`);
  const after = await show(pair, runId!, name);
  assert.is(after.run.status, 'done', `${name}: run done after resume`);
  assertNoIntentLost(after, name);
  // The chain verified now covers the failed run's records, kept exactly as they were.
  const kept = after.audit.slice(0, before.audit.length).map((a) => a.hash);
  assert.equal(
    kept,
    before.audit.map((a) => a.hash),
    `${name}: the records of the failed run are kept as they were`,
  );
  await assertAuditIntact(pair, name);
  await spec.endState();
}

export interface RefusedCell {
  /** Runs the procedure with the fault in place. */
  fail(): Promise<CliResult>;
  /** The preflight row's hint (the ✗ row names the server). */
  hint: RegExp;
  heal(): Promise<void>;
  /** The run started again once healed (default: the same command). */
  again?(): Promise<CliResult>;
  endState(): Promise<void>;
}

/** A partner down before the first change: the preflight refuses the run with the ✗ row naming the
 * server and its hint, records no run and sends nothing; once healed, the run goes through. */
export async function refusedCell(pair: FaultPair, cell: Cell, spec: RefusedCell): Promise<void> {
  const name = cellName(cell);
  const runsBefore = await runCount(pair);
  const failed = await spec.fail();
  const output = failed.stdout + failed.stderr;
  assert.is(failed.code, 1, `${name}: exit code\n${output.slice(-3000)}`);
  assert.not.match(output, STACK_LINE, `${name}: no stack trace`);
  const row = failed.stdout.split('\n').find((line) => new RegExp(`^reachable\\s+${INSTANCE[cell.target]}\\s+✗`).test(line));
  assert.ok(row, `${name}: a ✗ reachable row for ${INSTANCE[cell.target]}\n${failed.stdout.slice(-2000)}`);
  assert.match(row!, spec.hint, `${name}: the row's hint`);
  assert.match(output, /nothing was changed/, `${name}: says nothing was changed`);
  assert.is(await runCount(pair), runsBefore, `${name}: no run recorded`);
  await spec.heal();
  const again = await (spec.again ?? spec.fail)();
  assert.is(again.code, 0, `${name}: the run once healed\n${(again.stdout + again.stderr).slice(-3000)}`);
  await assertAuditIntact(pair, name);
  await spec.endState();
}

async function runCount(pair: FaultPair): Promise<number> {
  const runs = await read(pair, 'runs', '--json', '--limit', '1000');
  return runs.code === 0 ? runs.stdout.split('\n').filter(Boolean).length : 0;
}

/** setup on a pair with a witness, the witness faulted while the waits for SYNCHRONIZED run (they
 * come before SET WITNESS, and last the lab's realistic SYNCHRONIZING time): SET WITNESS fails
 * with 1418; healed, resume sets the witness CONNECTED. */
export async function witnessLostDuringSetup(pair: FaultPair, cell: Cell, fault: 'down' | 'isolate', heal: 'up' | 'heal'): Promise<void> {
  await failingCell(pair, cell, {
    fail: async () => {
      await pair.pace(true);
      const run = pair.start(['run', 'setup', '--yes'], { until: /^\S+ {3}Patriot SYNCHRONIZING/m });
      await run.reached;
      await pair.fault(cell.target, fault);
      return run.done;
    },
    message: /set-witness\.Patriot: FAILED .*error 1418/,
    hint: /mirroring endpoint could not be reached/,
    heal: async () => {
      await pair.fault(cell.target, heal);
      await pair.pace(false);
    },
    endState: async () => {
      const rows = await pair.sql('SQLPRI01', 'SELECT mirroring_witness_state_desc AS w FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL');
      assert.equal(
        rows.map((r) => r.w),
        ['CONNECTED', 'CONNECTED'],
        cellName(cell),
      );
    },
  });
}

export async function passingCell(pair: FaultPair, cell: Cell, result: CliResult, endState: () => Promise<void>): Promise<void> {
  const name = cellName(cell);
  const output = result.stdout + result.stderr;
  assert.is(result.code, 0, `${name}: exit code\n${output.slice(-3000)}`);
  assert.not.match(result.stdout, /FAILED|hint:|retry \d+ of/, `${name}: nothing reported wrong\n${result.stdout.slice(-2000)}`);
  assert.not.match(output, STACK_LINE, `${name}: no stack trace`);
  await assertAuditIntact(pair, name);
  await endState();
}

/** Waits until every database reports `state` (and `role`) on `partner`. */
export async function waitAll(pair: FaultPair, partner: Partner, state: string, role?: string, databases = ['Patriot', 'PatriotArchive']): Promise<void> {
  for (const d of databases) await pair.waitFor(INSTANCE[partner], d, state, role);
}

/** Fails the cell if the matrix missed a procedure or a phase for a fault kind. */
export function assertCoverage(cells: Cell[], fault: FaultKind, procedures: readonly string[], phases: readonly Phase[]): void {
  const ofKind = cells.filter((c) => c.fault === fault);
  for (const p of procedures)
    assert.ok(
      ofKind.some((c) => c.procedure === p),
      `${fault}: no cell for ${p}`,
    );
  for (const p of phases)
    assert.ok(
      ofKind.some((c) => c.phase === p),
      `${fault}: no cell at phase ${p}`,
    );
}

/** Every database has `role` on `partner` now (what the status of the pair says). */
export async function rolesAre(pair: FaultPair, partner: Partner, role: string, databases = ['Patriot', 'PatriotArchive']): Promise<void> {
  const status = await pair.status();
  const seen = status.partners.find((p) => p.instance === INSTANCE[partner])?.databases ?? [];
  for (const d of databases) assert.is(seen.find((s) => s.name === d)?.role, role, `${d} on ${INSTANCE[partner]}`);
}
