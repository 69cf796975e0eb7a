// The running lab steps every 250 ms while anything moves and otherwise sleeps until nextChangeAt
// (at the latest 30 s on). Proven here against the old way, on two copies of one lab: the oracle
// steps every 250 ms; the sleeper steps as the running lab does. While the sleeper sleeps the
// oracle must change nothing but progress (else the sleeper slept through a change), and whenever
// a client looks (both step then) the two states are the same to the last field.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabState } from '../../lab/model.js';
import { advanceLab } from '../../lab/mirroring/advance.js';
import { nextChangeAt } from '../../lab/mirroring/next-change.js';
import { setSafety, suspend } from '../../lab/mirroring/partner-options.js';
import { setWitness } from '../../lab/mirroring/witness.js';
import { addMonitoring } from '../../lab/mirroring/monitor-status.js';
import { MIR, PRI, WIT, address, envAt, mirroredLab, mirroringOf, type Clock } from './mirroring-fixture.js';

const TICK_MS = 250;
const QUIET_STEP_MS = 30_000;

/** The oracle and the sleeper from one state, on a time line starting at `clock.now`. */
class Twins {
  sleeper: LabState;
  private t: number;
  private nextSleeperStep: number;
  /** Steps the sleeper took (the running lab's wake-ups, batches aside). */
  sleeperSteps = 0;

  constructor(
    readonly oracle: LabState,
    clock: Clock,
  ) {
    this.sleeper = structuredClone(oracle);
    this.t = clock.now.getTime();
    this.nextSleeperStep = this.t + TICK_MS;
  }

  /** Time passes with nobody looking. A change the oracle's tick finds, the sleeper must step on
   * within a tick (it found it already, or it is stepping every tick anyway). */
  idle(ms: number): void {
    const end = this.t + ms;
    for (let g = this.t + TICK_MS; g <= end; g += TICK_MS) {
      while (this.nextSleeperStep < g) this.stepSleeper(this.nextSleeperStep);
      if (advanceLab(this.oracle, new Date(g)) === 'changed')
        assert.ok(
          this.nextSleeperStep < g + TICK_MS,
          `the oracle changed at ${new Date(g).toISOString()}; the sleeper sleeps until ${new Date(this.nextSleeperStep).toISOString()}`,
        );
    }
    while (this.nextSleeperStep <= end) this.stepSleeper(this.nextSleeperStep);
    this.t = end;
  }

  /** A client looks (a batch, a login): both step now; their states must agree. */
  look(): void {
    const now = new Date(this.t);
    advanceLab(this.oracle, now);
    advanceLab(this.sleeper, now);
    assert.equal(comparable(this.sleeper), comparable(this.oracle), `the states differ at ${now.toISOString()}`);
    this.rearm(this.t, TICK_MS);
  }

  /** A client or the control channel changes something (on both: the same new ids): the time up to
   * now is stepped first, as running-lab.ts's control() and request handlers do, then the lab steps
   * again within a tick. */
  change(what: (lab: LabState, now: Date) => void): void {
    this.look();
    what(this.oracle, new Date(this.t));
    this.sleeper = structuredClone(this.oracle);
    this.rearm(this.t, TICK_MS);
  }

  private rearm(from: number, ms: number): void {
    this.nextSleeperStep = Math.min(this.nextSleeperStep, from + ms);
  }

  /** One step of the sleeper at `at`, and when it steps next (as lab/control/running-lab.ts's tick). */
  private stepSleeper(at: number): void {
    const advanced = advanceLab(this.sleeper, new Date(at));
    this.sleeperSteps++;
    const next = advanced === 'changed' ? at : nextChangeAt(this.sleeper, new Date(at));
    this.nextSleeperStep = next === at ? at + TICK_MS : at + Math.min(QUIET_STEP_MS, next === null ? QUIET_STEP_MS : next - at);
  }
}

/** The state, with a workload's carried fraction of a commit to 9 places: a long step adds up the
 * same time as many short ones with different rounding in the last bits. */
function comparable(lab: LabState): LabState {
  const copy = structuredClone(lab);
  for (const instance of Object.values(copy.instances))
    for (const database of Object.values(instance.databases))
      if (database.workloadCarry !== undefined) database.workloadCarry = Math.round(database.workloadCarry * 1e9) / 1e9;
  return copy;
}

const envNow = (lab: LabState, name: string, now: Date) => envAt(lab, name, { now } as Clock);

async function twins(options: Parameters<typeof mirroredLab>[0] = {}): Promise<{ twins: Twins; clock: Clock }> {
  const { lab, clock } = await mirroredLab(options);
  return { twins: new Twins(lab, clock), clock };
}

test('a synchronized pair sleeps (30 s steps) and every look finds the state the ticks made', async () => {
  const { twins: t } = await twins();
  t.idle(10_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, PRI)!.state, 'SYNCHRONIZED');
  const before = t.sleeperSteps;
  for (const ms of [7_300, 45_000, 61_000, 250, 12_345]) {
    t.idle(ms);
    t.look();
  }
  assert.ok(t.sleeperSteps - before <= 10, `${t.sleeperSteps - before} steps in 126 s (the ticks: 504)`);
});

test('asynchronous, slow and too slow links; the switch that keeps an asynchronous session SYNCHRONIZING', async () => {
  const { twins: t } = await twins();
  t.idle(10_000);
  t.change((lab, now) => setSafety(envNow(lab, PRI, now), 'Patriot', 'OFF'));
  t.idle(20_000);
  t.look();
  t.change((lab) => (lab.faults[MIR]!.slowMs = 300));
  t.idle(20_000);
  t.look();
  const steps = t.sleeperSteps;
  t.change((lab) => (lab.faults[MIR]!.slowMs = 100_000));
  t.idle(20_000);
  t.look();
  assert.ok(t.sleeperSteps - steps > 70, 'a link that cannot keep up: stepped every tick');
  t.change((lab) => {
    lab.faults[MIR]!.slowMs = 0;
    lab.instances[PRI]!.behaviour.asyncReportsSynchronized = false;
  });
  t.idle(20_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, PRI)!.state, 'SYNCHRONIZING');
});

test('a lost partner: the principal runs exposed asleep, and the partner coming back wakes the session', async () => {
  const { twins: t } = await twins();
  t.idle(10_000);
  // A commit every other second: the send queue (and queuedSince) starts a few steps after the loss.
  t.change((lab) => (lab.instances[PRI]!.databases.Patriot!.workloadTps = 0.5));
  t.idle(10_000);
  t.change((lab) => (lab.faults[MIR]!.down = true));
  t.idle(40_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, PRI)!.state, 'DISCONNECTED');
  assert.ok(mirroringOf(t.sleeper, PRI)!.sendQueueKB > 0);
  t.change((lab) => (lab.faults[MIR]!.down = false));
  t.idle(20_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, PRI)!.state, 'SYNCHRONIZED');
  t.change((lab, now) => suspend(envNow(lab, PRI, now), 'Patriot'));
  t.idle(40_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, PRI)!.state, 'SUSPENDED');
});

test('with a witness: the automatic failover comes at the partner timeout, asleep or not', async () => {
  const { twins: t } = await twins({ witness: true });
  t.idle(10_000);
  t.change((lab, now) => setWitness(envNow(lab, PRI, now), 'Patriot', address(WIT)));
  t.idle(10_000);
  t.change((lab) => (lab.faults[PRI]!.down = true));
  t.idle(30_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, MIR)!.role, 'PRINCIPAL');
  t.change((lab) => (lab.faults[PRI]!.down = false));
  t.idle(30_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, PRI)!.role, 'MIRROR');
});

test("the monitor job runs on time; a certificate expiring by a host's clock drops the witness", async () => {
  const { twins: t } = await twins({ witness: true });
  t.idle(10_000);
  t.change((lab, now) => setWitness(envNow(lab, PRI, now), 'Patriot', address(WIT)));
  t.change((lab, now) => addMonitoring(lab.instances[PRI]!, 1, now));
  t.idle(200_000);
  t.look();
  assert.is(t.sleeper.instances[PRI]!.dbmMonitor!.rows.length, 3);
  t.change((lab, now) => {
    const certificate = lab.instances[WIT]!.databases.master!.certificates.WITNESS_cert!;
    certificate.expiryDate = new Date(now.getTime() + 200_000 + 1234).toISOString();
    lab.faults[WIT]!.clockOffsetMs = 190_000;
  });
  t.idle(30_000);
  t.look();
  assert.is(mirroringOf(t.sleeper, PRI)!.witnessState, 'DISCONNECTED');
});

test.run();
