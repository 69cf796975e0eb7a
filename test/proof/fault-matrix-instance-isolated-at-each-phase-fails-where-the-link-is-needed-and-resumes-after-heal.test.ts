// Fault matrix, instance isolated: mirroring traffic and file shares to and from one partner are
// cut while its TDS port still answers. What needs the link (reading the principal's backup share,
// SET PARTNER and SET WITNESS, the wait for SYNCHRONIZED, a planned failover, resuming a session)
// stops with a hint about the endpoints and the network, and resumes once the link heals; forced
// service is refused while the principal still serves; what only needs T-SQL on each server
// completes as if nothing were wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import {
  assertCoverage,
  cellName,
  failingCell,
  INSTANCE,
  passingCell,
  rolesAre,
  startFaultPair,
  waitAll,
  witnessLostDuringSetup,
  type Cell,
  type FaultPair,
} from './fault-cells.js';

const CELLS = {
  certificateSetup: { procedure: 'certificate-setup', target: 'mirror', fault: 'isolate', phase: 'connect' },
  restore: { procedure: 'restore', target: 'principal', fault: 'isolate', phase: 'apply' },
  enable: { procedure: 'enable', target: 'mirror', fault: 'isolate', phase: 'wait' },
  failover: { procedure: 'failover', target: 'mirror', fault: 'isolate', phase: 'probe' },
  failback: { procedure: 'failback', target: 'principal', fault: 'isolate', phase: 'apply' },
  promote: { procedure: 'promote', target: 'mirror', fault: 'isolate', phase: 'probe' },
  resumeSession: { procedure: 'resume-session', target: 'principal', fault: 'isolate', phase: 'wait' },
  disable: { procedure: 'disable', target: 'principal', fault: 'isolate', phase: 'apply' },
  cleanup: { procedure: 'cleanup', target: 'mirror', fault: 'isolate', phase: 'apply' },
  domainSetup: { procedure: 'domain-setup', target: 'mirror', fault: 'isolate', phase: 'apply' },
  setup: { procedure: 'setup', target: 'principal', fault: 'isolate', phase: 'apply' },
  witness: { procedure: 'setup', target: 'witness', fault: 'isolate', phase: 'apply' },
} satisfies Record<string, Cell>;

const network = /endpoints? (are|is) STARTED.*network/;

let pair: FaultPair;
test.before(async () => {
  pair = await startFaultPair();
});
test.after(async () => {
  await pair?.stop();
});

const heal = (cell: Cell) => () => pair.fault(cell.target, 'heal');

test(`${cellName(CELLS.certificateSetup)}: completes (certificates travel through T-SQL)`, async () => {
  const cell = CELLS.certificateSetup;
  await pair.fault(cell.target, 'isolate');
  const run = await pair.run('run', 'certificate-setup', '--yes');
  await pair.fault(cell.target, 'heal');
  await passingCell(pair, cell, run, async () => {
    const grants = await pair.sql(
      'SQLMIR01',
      "SELECT p.name FROM sys.server_permissions s JOIN sys.server_principals p ON p.principal_id = s.grantee_principal_id WHERE s.class_desc = 'ENDPOINT' AND s.permission_name = 'CONNECT'",
    );
    assert.ok(
      grants.some((g) => g.name === 'PRINCIPAL_login'),
      cellName(cell),
    );
  });
});

test(cellName(CELLS.restore), async () => {
  const cell = CELLS.restore;
  await pair.fault(cell.target, 'isolate');
  await failingCell(pair, cell, {
    fail: () => pair.run('run', 'restore', '--yes'),
    message: /error 3201: .*\\\\SQLPRI01\\Backup.*network path was not found/i,
    hint: /UNC path/,
    heal: heal(cell),
    endState: async () => {
      const copies = await pair.sql('SQLMIR01', "SELECT name, state_desc AS s FROM sys.databases WHERE name IN ('Patriot', 'PatriotArchive') ORDER BY name");
      assert.equal(
        copies.map((c) => `${String(c.name)} ${String(c.s)}`),
        ['Patriot RESTORING', 'PatriotArchive RESTORING'],
        cellName(cell),
      );
    },
  });
});

test(cellName(CELLS.enable), async () => {
  const cell = CELLS.enable;
  await failingCell(pair, cell, {
    fail: async () => {
      // The lab's realistic SYNCHRONIZING time keeps the wait running while the fault comes.
      await pair.pace(true);
      const run = pair.start(['run', 'enable', '--yes'], { until: /^\S+ {3}Patriot SYNCHRONIZING/m });
      await run.reached;
      await pair.fault(cell.target, 'isolate');
      return run.done;
    },
    message: /Patriot is DISCONNECTED: the principal cannot reach its partner TCP:\/\/sqlmir01/i,
    hint: network,
    heal: async () => {
      await pair.fault(cell.target, 'heal');
      await pair.pace(false);
    },
    endState: () => waitAll(pair, 'principal', 'SYNCHRONIZED', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.failover), async () => {
  const cell = CELLS.failover;
  await pair.fault(cell.target, 'isolate');
  await waitAll(pair, 'principal', 'DISCONNECTED');
  await failingCell(pair, cell, {
    fail: () => pair.run('run', 'failover', '--yes'),
    message: /Patriot is PRINCIPAL DISCONNECTED/,
    hint: /DISCONNECTED: the partners cannot reach each other .*network/,
    heal: async () => {
      await pair.fault(cell.target, 'heal');
      await waitAll(pair, 'principal', 'SYNCHRONIZED');
    },
    endState: () => rolesAre(pair, 'mirror', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.failback), async () => {
  const cell = CELLS.failback;
  await waitAll(pair, 'mirror', 'SYNCHRONIZED', 'PRINCIPAL');
  // A slow principal (the failover step's probe reads it) holds the step long enough for the link
  // to be cut between the readiness check and SET PARTNER FAILOVER.
  await pair.fault(cell.target, 'slow', 250);
  await failingCell(pair, cell, {
    fail: async () => {
      const run = pair.start(['run', 'failback', '--yes'], { until: /step failover-to-principal\.Patriot \[/ });
      await run.reached;
      await pair.fault(cell.target, 'isolate');
      return run.done;
    },
    message: /error 1447/,
    hint: /the network and the endpoints/,
    heal: async () => {
      await pair.fault(cell.target, 'heal');
      await waitAll(pair, 'mirror', 'SYNCHRONIZED', 'PRINCIPAL');
    },
    endState: () => rolesAre(pair, 'principal', 'PRINCIPAL'),
  });
});

test(`${cellName(CELLS.promote)}: refused while the principal still serves; fenced, it goes ahead`, async () => {
  const cell = CELLS.promote;
  await pair.fault(cell.target, 'isolate');
  await waitAll(pair, 'mirror', 'DISCONNECTED', 'MIRROR');
  await failingCell(pair, cell, {
    fail: () => pair.run('run', 'promote', '--yes', '--confirm', 'SQLMIR01'),
    message: /SQLPRI01 still answers and serves Patriot, PatriotArchive as principal/,
    hint: /fence it first \(stop its SQL Server service\)/,
    // What the hint says: the principal is fenced (its service stopped); the mirror's link is
    // back, and with nobody to talk to it stays DISCONNECTED.
    heal: async () => {
      await pair.fault('principal', 'down');
      await pair.fault(cell.target, 'heal');
    },
    resumeArgs: ['--confirm', 'SQLMIR01'],
    endState: () => waitAll(pair, 'mirror', 'SUSPENDED', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.resumeSession), async () => {
  const cell = CELLS.resumeSession;
  // The old principal starts again but cannot reach its partner.
  await pair.fault(cell.target, 'isolate');
  await pair.fault(cell.target, 'up');
  await failingCell(pair, cell, {
    fail: async () => {
      // The old principal committed while it was cut off: resume-session stops (exit 3) until the
      // amount it discards is typed, as its hint says; confirmed, the run goes on to the wait. Its
      // applications are stopped first (what a DBA does), so the amount stands still meanwhile.
      await pair.lab.control({ op: 'workload', instance: 'SQLPRI01', tps: 0 });
      const first = await pair.run('run', 'resume-session', '--yes');
      const confirm = /--confirm '([^']+)'/.exec(first.stdout)?.[1];
      const runId = / resume (\S+) --config/.exec(first.stdout)?.[1];
      if (first.code !== 3 || !confirm || !runId) return first;
      return pair.run('resume', runId, '--yes', '--confirm', confirm);
    },
    message: /Patriot is DISCONNECTED: the \w+ cannot reach its partner/,
    hint: network,
    // The session was resumed before the link went missing: healed, it resynchronizes by itself.
    heal: heal(cell),
    endState: () => waitAll(pair, 'mirror', 'SYNCHRONIZED', 'PRINCIPAL'),
  });
});

test(`${cellName(CELLS.disable)}: completes (SET PARTNER OFF and RECOVERY are T-SQL on each server)`, async () => {
  const cell = CELLS.disable;
  await pair.fault(cell.target, 'isolate');
  const run = await pair.run('run', 'disable', '--yes', '--confirm', 'SQLPRI01');
  await pair.fault(cell.target, 'heal');
  await passingCell(pair, cell, run, async () => {
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
  await pair.fault(cell.target, 'isolate');
  const run = await pair.run('run', 'cleanup', '--yes', '--confirm', 'Endpoint_Mirroring');
  await pair.fault(cell.target, 'heal');
  await passingCell(pair, cell, run, async () => {
    for (const instance of ['SQLPRI01', 'SQLMIR01'])
      assert.equal(await pair.sql(instance, 'SELECT name FROM sys.database_mirroring_endpoints'), [], `${cellName(cell)}: ${instance}`);
  });
});

// The same pair, cleaned up, now set up again with domain authentication.
test(`${cellName(CELLS.domainSetup)}: completes`, async () => {
  const cell = CELLS.domainSetup;
  appendFileSync(pair.config, "auth:\n  mode: domain\n  serviceAccount: 'LAB\\sqlmirror'\n");
  for (const instance of [INSTANCE.principal, INSTANCE.mirror]) await pair.lab.control({ op: 'service-account', instance, account: 'LAB\\sqlmirror' });
  await pair.fault(cell.target, 'isolate');
  const run = await pair.run('run', 'domain-setup', '--yes');
  await pair.fault(cell.target, 'heal');
  await passingCell(pair, cell, run, async () => {
    const endpoints = await pair.sql('SQLMIR01', 'SELECT state_desc AS s FROM sys.database_mirroring_endpoints');
    assert.equal(
      endpoints.map((e) => e.s),
      ['STARTED'],
      cellName(cell),
    );
  });
});

test(cellName(CELLS.setup), async () => {
  const cell = CELLS.setup;
  // The Patriot services followed the failovers to SQLMIR01; the backup server's services are
  // stopped before its databases are replaced (what setup's no-application-sessions step asks).
  await pair.lab.control({ op: 'sessions', instance: 'SQLMIR01', action: 'stop', program: 'Patriot' });
  await pair.fault(cell.target, 'isolate');
  await failingCell(pair, cell, {
    // The mirror's copies are ONLINE after disable: overwriting them is confirmed by name.
    fail: () => pair.run('run', 'setup', '--yes', '--confirm', 'SQLMIR01'),
    message: /error 3201: .*network path was not found/i,
    hint: /UNC path/,
    heal: heal(cell),
    resumeArgs: ['--confirm', 'SQLMIR01'],
    endState: () => waitAll(pair, 'principal', 'SYNCHRONIZED', 'PRINCIPAL'),
  });
});

test(`${cellName(CELLS.witness)}, on a pair with a witness`, async () => {
  const cell = CELLS.witness;
  const withWitness = await startFaultPair({ witness: true });
  try {
    await witnessLostDuringSetup(withWitness, cell, 'isolate', 'heal');
  } finally {
    await withWitness.stop();
  }
});

test('the table covers every procedure and every phase', () => {
  assertCoverage(
    Object.values(CELLS),
    'isolate',
    ['domain-setup', 'certificate-setup', 'restore', 'enable', 'setup', 'failover', 'failback', 'promote', 'resume-session', 'disable', 'cleanup'],
    ['connect', 'probe', 'apply', 'wait'],
  );
});

test.run();
