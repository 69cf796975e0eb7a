// Fault matrix, instance slow: every TDS response of one partner is delayed (and log shipping
// slows with it). Below a step's time limit every procedure completes and reports nothing wrong;
// a wait for SYNCHRONIZED that runs out of time (MIRRORBOOK_SYNC_WAIT_MS) stops with the state and
// queues it last saw and a hint, and the printed resume finishes once the partner is fast again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import { assertCoverage, cellName, failingCell, INSTANCE, passingCell, rolesAre, startFaultPair, waitAll, type Cell, type FaultPair } from './fault-cells.js';

const CELLS = {
  certificateSetup: { procedure: 'certificate-setup', target: 'principal', fault: 'slow', phase: 'connect' },
  restore: { procedure: 'restore', target: 'mirror', fault: 'slow', phase: 'apply' },
  enable: { procedure: 'enable', target: 'mirror', fault: 'slow', phase: 'wait' },
  failover: { procedure: 'failover', target: 'mirror', fault: 'slow', phase: 'probe' },
  failback: { procedure: 'failback', target: 'principal', fault: 'slow', phase: 'apply' },
  promote: { procedure: 'promote', target: 'mirror', fault: 'slow', phase: 'apply' },
  resumeSession: { procedure: 'resume-session', target: 'principal', fault: 'slow', phase: 'wait' },
  disable: { procedure: 'disable', target: 'mirror', fault: 'slow', phase: 'apply' },
  cleanup: { procedure: 'cleanup', target: 'principal', fault: 'slow', phase: 'probe' },
  domainSetup: { procedure: 'domain-setup', target: 'mirror', fault: 'slow', phase: 'connect' },
  setup: { procedure: 'setup', target: 'principal', fault: 'slow', phase: 'wait' },
} satisfies Record<string, Cell>;

/** Slow, but well inside every limit: each response of the instance waits this long. */
const SLOW_MS = 25;
/** A wait for SYNCHRONIZED whose queues may stand still this briefly runs out: a (re)started
 * session under the slow fault stays SYNCHRONIZING with unmoving queues for longer (the lab's
 * realistic SYNCHRONIZING time, `pair.pace(true)`, at least). */
const SHORT_WAIT = { MIRRORBOOK_SYNC_WAIT_MS: '1500' };
const waitRanOut = /^\S+ step principal\.wait-synchronized\.Patriot: FAILED .*Patriot SYNCHRONIZING.*: the queues have not shrunk for [\d.]+ s/m;
const notCatchingUp = /the mirror is not catching up: check the network between the partners/;

let pair: FaultPair;
test.before(async () => {
  pair = await startFaultPair();
});
test.after(async () => {
  await pair?.stop();
});

/** Runs `args` with a short wait for SYNCHRONIZED and the lab's realistic pace. */
async function waitRunsOut(args: string[]) {
  await pair.pace(true);
  return pair.start(args, { env: SHORT_WAIT }).done;
}

/** Runs `args` with `cell`'s partner slow and asserts the run completes with nothing wrong. */
async function slowButFine(cell: Cell, args: string[], endState: () => Promise<void>): Promise<void> {
  await pair.fault(cell.target, 'slow', SLOW_MS);
  const run = await pair.run(...args);
  await pair.fault(cell.target, 'heal');
  await passingCell(pair, cell, run, endState);
}

test(`${cellName(CELLS.certificateSetup)}: completes`, async () => {
  const cell = CELLS.certificateSetup;
  await slowButFine(cell, ['run', 'certificate-setup', '--yes'], async () => {
    for (const instance of ['SQLPRI01', 'SQLMIR01']) {
      const endpoints = await pair.sql(instance, 'SELECT state_desc AS s FROM sys.database_mirroring_endpoints');
      assert.equal(
        endpoints.map((e) => e.s),
        ['STARTED'],
        `${cellName(cell)}: ${instance}`,
      );
    }
  });
});

test(`${cellName(CELLS.restore)}: completes`, async () => {
  const cell = CELLS.restore;
  await slowButFine(cell, ['run', 'restore', '--yes'], async () => {
    const copies = await pair.sql('SQLMIR01', "SELECT name, state_desc AS s FROM sys.databases WHERE name IN ('Patriot', 'PatriotArchive') ORDER BY name");
    assert.equal(
      copies.map((c) => `${String(c.name)} ${String(c.s)}`),
      ['Patriot RESTORING', 'PatriotArchive RESTORING'],
      cellName(cell),
    );
  });
});

test(`${cellName(CELLS.enable)}: the wait runs out with a hint`, async () => {
  const cell = CELLS.enable;
  await pair.fault(cell.target, 'slow', SLOW_MS);
  await failingCell(pair, cell, {
    fail: () => waitRunsOut(['run', 'enable', '--yes']),
    message: waitRanOut,
    hint: notCatchingUp,
    heal: async () => {
      await pair.fault(cell.target, 'heal');
      await pair.pace(false);
    },
    endState: () => waitAll(pair, 'principal', 'SYNCHRONIZED', 'PRINCIPAL'),
  });
});

test(`${cellName(CELLS.failover)}: completes`, async () => {
  const cell = CELLS.failover;
  await slowButFine(cell, ['run', 'failover', '--yes'], () => rolesAre(pair, 'mirror', 'PRINCIPAL'));
});

test(`${cellName(CELLS.failback)}: completes`, async () => {
  const cell = CELLS.failback;
  await waitAll(pair, 'mirror', 'SYNCHRONIZED', 'PRINCIPAL');
  await slowButFine(cell, ['run', 'failback', '--yes'], () => rolesAre(pair, 'principal', 'PRINCIPAL'));
});

test(`${cellName(CELLS.promote)}: completes`, async () => {
  const cell = CELLS.promote;
  await pair.fault('principal', 'down');
  await waitAll(pair, 'mirror', 'DISCONNECTED', 'MIRROR');
  await slowButFine(cell, ['run', 'promote', '--yes', '--confirm', 'SQLMIR01'], () => waitAll(pair, 'mirror', 'SUSPENDED', 'PRINCIPAL'));
});

test(`${cellName(CELLS.resumeSession)}: completes`, async () => {
  const cell = CELLS.resumeSession;
  await pair.fault('principal', 'up');
  await waitAll(pair, 'principal', 'SUSPENDED', 'MIRROR');
  await slowButFine(cell, ['run', 'resume-session', '--yes'], () => waitAll(pair, 'mirror', 'SYNCHRONIZED', 'PRINCIPAL'));
});

test(`${cellName(CELLS.disable)}: completes`, async () => {
  const cell = CELLS.disable;
  await slowButFine(cell, ['run', 'disable', '--yes', '--confirm', 'SQLPRI01'], async () => {
    for (const instance of ['SQLPRI01', 'SQLMIR01']) {
      const copies = await pair.sql(
        instance,
        "SELECT d.name, d.state_desc AS s, m.mirroring_guid AS g FROM sys.databases d JOIN sys.database_mirroring m ON m.database_id = d.database_id WHERE d.name IN ('Patriot', 'PatriotArchive') ORDER BY d.name",
      );
      assert.equal(
        copies.map((c) => `${String(c.name)} ${String(c.s)} ${String(c.g)}`),
        ['Patriot ONLINE null', 'PatriotArchive ONLINE null'],
        `${cellName(cell)}: ${instance}`,
      );
    }
  });
});

test(`${cellName(CELLS.cleanup)}: completes`, async () => {
  const cell = CELLS.cleanup;
  await slowButFine(cell, ['run', 'cleanup', '--yes', '--confirm', 'Endpoint_Mirroring'], async () => {
    for (const instance of ['SQLPRI01', 'SQLMIR01'])
      assert.equal(await pair.sql(instance, 'SELECT name FROM sys.database_mirroring_endpoints'), [], `${cellName(cell)}: ${instance}`);
  });
});

// The same pair, cleaned up, now set up again with domain authentication.
test(`${cellName(CELLS.domainSetup)}: completes`, async () => {
  const cell = CELLS.domainSetup;
  appendFileSync(pair.config, "auth:\n  mode: domain\n  serviceAccount: 'LAB\\sqlmirror'\n");
  for (const instance of [INSTANCE.principal, INSTANCE.mirror]) await pair.lab.control({ op: 'service-account', instance, account: 'LAB\\sqlmirror' });
  await slowButFine(cell, ['run', 'domain-setup', '--yes'], async () => {
    const endpoints = await pair.sql('SQLMIR01', 'SELECT state_desc AS s FROM sys.database_mirroring_endpoints');
    assert.equal(
      endpoints.map((e) => e.s),
      ['STARTED'],
      cellName(cell),
    );
  });
});

test(`${cellName(CELLS.setup)}: the wait runs out with a hint`, async () => {
  const cell = CELLS.setup;
  // The Patriot services followed the failovers to SQLMIR01; the backup server's services are
  // stopped before its databases are replaced (what setup's no-application-sessions step asks).
  await pair.lab.control({ op: 'sessions', instance: 'SQLMIR01', action: 'stop', program: 'Patriot' });
  await pair.fault(cell.target, 'slow', SLOW_MS);
  await failingCell(pair, cell, {
    // The mirror's copies are ONLINE after disable: overwriting them is confirmed by name.
    fail: () => waitRunsOut(['run', 'setup', '--yes', '--confirm', 'SQLMIR01']),
    message: waitRanOut,
    hint: notCatchingUp,
    heal: async () => {
      await pair.fault(cell.target, 'heal');
      await pair.pace(false);
    },
    resumeArgs: ['--confirm', 'SQLMIR01'],
    endState: () => waitAll(pair, 'principal', 'SYNCHRONIZED', 'PRINCIPAL'),
  });
});

test('the table covers every procedure and every phase', () => {
  assertCoverage(
    Object.values(CELLS),
    'slow',
    ['domain-setup', 'certificate-setup', 'restore', 'enable', 'setup', 'failover', 'failback', 'promote', 'resume-session', 'disable', 'cleanup'],
    ['connect', 'probe', 'apply', 'wait'],
  );
});

test.run();
