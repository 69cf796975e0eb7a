// `disable` with the mirror lost locks only the principal; its recovery step fails while the mirror
// is away. When the mirror answers again and the operator retries, the run takes the pair's lock on
// the mirror before the first change it sends there — and when another run took the pair there in
// the meantime, it sends nothing to the mirror, says who holds it, and stops when the operator aborts.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionPool } from 'mssql';
import { startPairLab, type PairLab } from './pair-lab.js';
import { REPO_ROOT, waitFor } from '../helpers/lab.js';
import { loadProcedure } from '../../cli/load-procedure.js';
import { startRun, type RunResult } from '../../machines/engine.js';
import type { EngineEvent } from '../../machines/events.js';
import type { Operator, SqlErrorInfo, StepDefinition } from '../../machines/procedure.js';
import { openStore } from '../../store/index.js';
import { lockResource } from '../../steps/pair-lock.js';

let pair: PairLab;
let storeDir: string;
test.before(async () => {
  pair = await startPairLab();
  storeDir = mkdtempSync(join(tmpdir(), 'mirrorbook-returning-'));
  const setup = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  assert.is(setup.code, 0, setup.stdout.slice(-2000) + setup.stderr);
});
test.after(async () => {
  await pair?.stop();
  rmSync(storeDir, { recursive: true, force: true });
});

function mirrorBatches(): { app: string; sql: string }[] {
  return readFileSync(join(pair.lab.dir, 'logs', 'SQLMIR01.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { app: string; sql: string });
}

const RECOVER = /RESTORE DATABASE \[Patriot\] WITH RECOVERY/;

/** The mirror is back: it answers and has learnt that mirroring of its copies was removed. */
async function mirrorBack(): Promise<void> {
  const up = await pair.lab.cli('fault', 'SQLMIR01', 'up');
  assert.is(up.code, 0, up.stderr);
  await waitFor(
    'SQLMIR01 answers, its copies no longer mirrored',
    async () => {
      const rows = await pair
        .sql('SQLMIR01', "SELECT mirroring_guid FROM sys.database_mirroring WHERE database_id IN (DB_ID('Patriot'), DB_ID('PatriotArchive'))")
        .catch(() => undefined);
      return rows !== undefined && rows.every((r) => r.mirroring_guid === null);
    },
    30_000,
    100,
  );
}

async function disable(
  onFailure: (step: StepDefinition, error: SqlErrorInfo | Error, n: number) => Promise<'retry' | 'abort'>,
): Promise<{ result: RunResult; events: EngineEvent[] }> {
  const procedure = await loadProcedure('disable', { configPath: pair.config, env: { ...process.env, MIRRORBOOK_POLL_MS: '50' }, cwd: REPO_ROOT });
  let failures = 0;
  const operator: Operator = {
    name: 'scripted',
    confirmManual: async () => true,
    confirmDestructive: async () => true,
    onFailure: async (step, error) => onFailure(step, error, ++failures),
    confirmSkip: async () => undefined,
  };
  const store = openStore(join(storeDir, 'state.db'));
  const events: EngineEvent[] = [];
  try {
    const result = await startRun({
      store,
      procedure,
      operator,
      who: { operator: 'dba1', osUser: 'dba1', host: 'WS1' },
      signal: new AbortController().signal,
      listener: (e) => events.push(e),
      resumeCommand: (id) => `mirrorbook resume ${id}`,
    });
    return { result, events };
  } finally {
    store.close();
  }
}

test('another run took the pair on the returning mirror: nothing is sent to it, the failure names the holder, abort stops', async () => {
  assert.is((await pair.lab.cli('fault', 'SQLMIR01', 'down')).code, 0);
  let other: ConnectionPool | undefined;
  let refusal: SqlErrorInfo | Error | undefined;
  const mssql = (await import('mssql')).default;
  const before = mirrorBatches().length;
  const { result } = await disable(async (step, error, n) => {
    assert.is(step.id, 'disable.recover.Patriot');
    if (n === 1) {
      await mirrorBack();
      // A DBA on another workstation starts a run on the pair and locks the mirror first.
      const pairKey = (await loadProcedure('disable', { configPath: pair.config, env: process.env, cwd: REPO_ROOT })).pairKey;
      other = await new mssql.ConnectionPool(
        pair.lab.mssqlConfig('SQLMIR01', 'trust', {
          options: { appName: `mirrorbook lock ${pairKey} run-ws2 failover pid 4242 dba2`, trustServerCertificate: true },
        }),
      ).connect();
      const taken = await other
        .request()
        .query(
          `DECLARE @r int; EXEC @r = sp_getapplock @Resource = '${lockResource(pairKey)}', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; SELECT @r AS r`,
        );
      assert.is(taken.recordset[0]?.r, 0);
      return 'retry';
    }
    refusal = error;
    return 'abort';
  });
  assert.is(result.status, 'failed', 'the run stopped where the operator aborted');
  assert.ok(refusal, 'the retry failed');
  assert.match(refusal!.message, /locked on SQLMIR01 by another run: dba2 .*\(pid 4242\), running 'failover' as run run-ws2/);
  assert.match((refusal as { hint?: string }).hint ?? '', /nothing was sent to SQLMIR01/);
  assert.equal(
    mirrorBatches()
      .slice(before)
      .filter((b) => RECOVER.test(b.sql)),
    [],
    'no change reached the mirror',
  );
  const [copy] = await pair.sql('SQLMIR01', "SELECT state_desc FROM sys.databases WHERE name = 'Patriot'");
  assert.is(copy!.state_desc, 'RESTORING');
  await other!.close();
});

test('the mirror returns mid-run: the lock is taken there before the first change reaches it, and released at the end', async () => {
  assert.is((await pair.lab.cli('fault', 'SQLMIR01', 'down')).code, 0);
  const before = mirrorBatches().length;
  const { result, events } = await disable(async (step, _error, n) => {
    assert.is(`${step.id} #${n}`, 'disable.recover.Patriot #1');
    await mirrorBack();
    return 'retry';
  });
  assert.is(result.status, 'done', JSON.stringify(result.error));
  const notes = events.flatMap((e) => (e.type === 'note' ? [e.text] : []));
  assert.ok(
    notes.some((t) => /the pair's lock was taken on SQLMIR01, which answers again, before the first change sent to it/.test(t)),
    notes.join('\n'),
  );
  const sent = mirrorBatches().slice(before);
  const locked = sent.findIndex((b) => b.app.startsWith('mirrorbook lock ') && /sp_getapplock/.test(b.sql));
  const recovered = sent.findIndex((b) => RECOVER.test(b.sql));
  assert.ok(locked >= 0 && recovered > locked, `lock at ${locked}, first change at ${recovered}`);
  const [copy] = await pair.sql('SQLMIR01', "SELECT state_desc FROM sys.databases WHERE name = 'Patriot'");
  assert.is(copy!.state_desc, 'ONLINE');
  const holders = await pair.sql('SQLMIR01', "SELECT program_name FROM sys.dm_exec_sessions WHERE program_name LIKE 'mirrorbook lock %'");
  assert.equal(holders, [], 'the run released the lock it took on the mirror');
});

test.run();
