// Fault matrix, instance down: a partner's SQL Server service stops before the first connection,
// during an apply or during a wait, in every procedure. Down before the first
// connection: the preflight refuses the run (the ✗ row names the server, with a hint), no run is
// recorded and nothing is sent; once the service is back the run goes through. Later: exit 1 with
// the server named and a hint, the run recorded as failed with its resume command, nothing lost; the
// service starts again, the printed resume finishes the run and the pair is where it should be.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import {
  assertCoverage,
  cellName,
  failingCell,
  refusedCell,
  FAST_BACKUP_MS_PER_GB,
  INSTANCE,
  rolesAre,
  startFaultPair,
  waitAll,
  witnessLostDuringSetup,
  type Cell,
  type FaultPair,
} from './fault-cells.js';

const CELLS = {
  certificateSetup: { procedure: 'certificate-setup', target: 'principal', fault: 'down', phase: 'connect' },
  restore: { procedure: 'restore', target: 'mirror', fault: 'down', phase: 'apply' },
  enable: { procedure: 'enable', target: 'principal', fault: 'down', phase: 'wait' },
  failover: { procedure: 'failover', target: 'mirror', fault: 'down', phase: 'connect' },
  failback: { procedure: 'failback', target: 'mirror', fault: 'down', phase: 'connect' },
  promote: { procedure: 'promote', target: 'mirror', fault: 'down', phase: 'connect' },
  resumeSession: { procedure: 'resume-session', target: 'mirror', fault: 'down', phase: 'connect' },
  disable: { procedure: 'disable', target: 'principal', fault: 'down', phase: 'apply' },
  cleanup: { procedure: 'cleanup', target: 'mirror', fault: 'down', phase: 'connect' },
  domainSetup: { procedure: 'domain-setup', target: 'witness', fault: 'down', phase: 'connect' },
  setup: { procedure: 'setup', target: 'witness', fault: 'down', phase: 'apply' },
} satisfies Record<string, Cell>;

const cannotReach = (cell: Cell) => new RegExp(`(cannot connect to|lost the connection to) the ${cell.target} ${INSTANCE[cell.target]}`);
const startIt = (cell: Cell) => new RegExp(`check that ${INSTANCE[cell.target]} is running and reachable`);

let pair: FaultPair;
test.before(async () => {
  pair = await startFaultPair();
});
test.after(async () => {
  await pair?.stop();
});

test(cellName(CELLS.certificateSetup), async () => {
  const cell = CELLS.certificateSetup;
  await pair.fault(cell.target, 'down');
  await refusedCell(pair, cell, {
    fail: () => pair.run('run', 'certificate-setup', '--yes'),
    hint: startIt(cell),
    heal: () => pair.fault(cell.target, 'up'),
    endState: async () => {
      for (const instance of ['SQLPRI01', 'SQLMIR01']) {
        const endpoints = await pair.sql(instance, 'SELECT state_desc AS s FROM sys.database_mirroring_endpoints');
        assert.equal(
          endpoints.map((e) => e.s),
          ['STARTED'],
          `${cellName(cell)}: endpoint on ${instance}`,
        );
      }
    },
  });
});

test(cellName(CELLS.restore), async () => {
  const cell = CELLS.restore;
  // A slow restore on the mirror keeps RESTORE DATABASE running while the service stops.
  await pair.lab.control({ op: 'behaviour', instance: 'SQLMIR01', name: 'backupMsPerGB', value: '20000' });
  await failingCell(pair, cell, {
    fail: async () => {
      const run = pair.start(['run', 'restore', '--yes'], { until: /RESTORE DATABASE \[?Patriot\b/ });
      await run.reached;
      await pair.fault(cell.target, 'down');
      return run.done;
    },
    message: cannotReach(cell),
    hint: startIt(cell),
    heal: async () => {
      await pair.lab.control({ op: 'behaviour', instance: 'SQLMIR01', name: 'backupMsPerGB', value: FAST_BACKUP_MS_PER_GB });
      await pair.fault(cell.target, 'up');
    },
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
      await pair.fault(cell.target, 'down');
      return run.done;
    },
    message: cannotReach(cell),
    hint: startIt(cell),
    heal: async () => {
      await pair.fault(cell.target, 'up');
      await pair.pace(false);
    },
    endState: () => waitAll(pair, 'principal', 'SYNCHRONIZED', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.failover), async () => {
  const cell = CELLS.failover;
  await pair.fault(cell.target, 'down');
  await waitAll(pair, 'principal', 'DISCONNECTED');
  await refusedCell(pair, cell, {
    fail: () => pair.run('run', 'failover', '--yes'),
    hint: startIt(cell),
    heal: async () => {
      await pair.fault(cell.target, 'up');
      await waitAll(pair, 'principal', 'SYNCHRONIZED');
    },
    endState: () => rolesAre(pair, 'mirror', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.failback), async () => {
  const cell = CELLS.failback;
  await pair.fault(cell.target, 'down');
  await refusedCell(pair, cell, {
    fail: () => pair.run('run', 'failback', '--yes'),
    hint: startIt(cell),
    heal: async () => {
      await pair.fault(cell.target, 'up');
      await waitAll(pair, 'mirror', 'SYNCHRONIZED', 'PRINCIPAL');
    },
    endState: () => rolesAre(pair, 'principal', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.promote), async () => {
  const cell = CELLS.promote;
  // The principal is lost (the procedure's premise); the fault is the mirror being down too.
  await pair.fault('principal', 'down');
  await waitAll(pair, 'mirror', 'DISCONNECTED');
  await pair.fault(cell.target, 'down');
  await refusedCell(pair, cell, {
    fail: () => pair.run('run', 'promote', '--yes', '--confirm', 'SQLMIR01'),
    hint: startIt(cell),
    heal: async () => {
      await pair.fault(cell.target, 'up');
      await waitAll(pair, 'mirror', 'DISCONNECTED', 'MIRROR');
    },
    endState: () => waitAll(pair, 'mirror', 'SUSPENDED', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.resumeSession), async () => {
  const cell = CELLS.resumeSession;
  await pair.fault('principal', 'up');
  await waitAll(pair, 'principal', 'SUSPENDED', 'MIRROR');
  await pair.fault(cell.target, 'down');
  await refusedCell(pair, cell, {
    fail: () => pair.run('run', 'resume-session', '--yes'),
    hint: startIt(cell),
    heal: async () => {
      await pair.fault(cell.target, 'up');
      await waitAll(pair, 'mirror', 'SUSPENDED', 'PRINCIPAL');
    },
    endState: () => waitAll(pair, 'mirror', 'SYNCHRONIZED', 'PRINCIPAL'),
  });
});

test(cellName(CELLS.disable), async () => {
  const cell = CELLS.disable;
  // The configured principal holds the RESTORING copy now: down, it cannot be brought online.
  await pair.fault(cell.target, 'down');
  await failingCell(pair, cell, {
    fail: () => pair.run('run', 'disable', '--yes', '--confirm', 'SQLPRI01'),
    message: cannotReach(cell),
    hint: /bring the principal back and resume: its copy is recovered then; if that server is gone for good .* choose skip/,
    heal: () => pair.fault(cell.target, 'up'),
    resumeArgs: ['--confirm', 'SQLPRI01'],
    endState: async () => {
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
    },
  });
});

test(cellName(CELLS.cleanup), async () => {
  const cell = CELLS.cleanup;
  await pair.fault(cell.target, 'down');
  await refusedCell(pair, cell, {
    fail: () => pair.run('run', 'cleanup', '--yes', '--confirm', 'Endpoint_Mirroring'),
    hint: startIt(cell),
    heal: () => pair.fault(cell.target, 'up'),
    endState: async () => {
      for (const instance of ['SQLPRI01', 'SQLMIR01']) {
        assert.equal(await pair.sql(instance, 'SELECT name FROM sys.database_mirroring_endpoints'), [], `${cellName(cell)}: no endpoint left on ${instance}`);
      }
    },
  });
});

// Domain authentication with a witness, on a lab of its own.
test(`${cellName(CELLS.domainSetup)}, then ${cellName(CELLS.setup)}`, async () => {
  const domain = await startFaultPair({ witness: true });
  try {
    appendFileSync(domain.config, "auth:\n  mode: domain\n  serviceAccount: 'LAB\\sqlmirror'\n");
    for (const instance of Object.values(INSTANCE)) await domain.lab.control({ op: 'service-account', instance, account: 'LAB\\sqlmirror' });
    const cell = CELLS.domainSetup;
    await domain.fault(cell.target, 'down');
    await refusedCell(domain, cell, {
      fail: () => domain.run('run', 'domain-setup', '--yes'),
      hint: startIt(cell),
      heal: () => domain.fault(cell.target, 'up'),
      endState: async () => {
        const endpoints = await domain.sql('SQLWIT01', 'SELECT connection_auth_desc AS a FROM sys.database_mirroring_endpoints');
        assert.equal(
          endpoints.map((e) => e.a),
          ['NEGOTIATE'],
          cellName(cell),
        );
      },
    });

    await witnessLostDuringSetup(domain, CELLS.setup, 'down', 'up');
  } finally {
    await domain.stop();
  }
});

// A partner down before the probe is found by the preflight, before any run starts: those cells
// are the connect ones. The probe phase is covered by the isolate and slow matrices.
test('the table covers every procedure and every phase a down partner can reach', () => {
  assertCoverage(
    Object.values(CELLS),
    'down',
    ['domain-setup', 'certificate-setup', 'restore', 'enable', 'setup', 'failover', 'failback', 'promote', 'resume-session', 'disable', 'cleanup'],
    ['connect', 'apply', 'wait'],
  );
});

test.run();
