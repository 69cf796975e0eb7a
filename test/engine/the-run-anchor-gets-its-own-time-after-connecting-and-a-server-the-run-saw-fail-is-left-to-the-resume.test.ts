// A run's anchor (machines/run-anchor.ts): connecting has its own limit and the anchor statement
// its own from the moment the connection stands, so a slow login (a resume opens its connections
// only at the end) does not use up the anchor's time; a server the run just saw fail is not waited
// for again at its end — audited as skipped, left to the resume — and a resume of the finished run
// anchors it only on the servers that hold no anchor of its end. Limits shortened so nothing waits long.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../store/index.js';
import { startRun } from '../../machines/engine.js';
import { commandLineOperator } from '../../machines/operators.js';
import { anchorRunEnd, anchorsMissing } from '../../machines/run-anchor.js';
import type { LoadedProcedure } from '../../machines/procedure-source.js';
import type { SqlTarget, SqlTargets } from '../../machines/sql-targets.js';
import type { Tsql } from '../../machines/procedure.js';

const sql = (text: string): Tsql => ({ masked: text, reveal: () => text });
const names: Record<SqlTarget, string> = { principal: 'SQLPRI01', mirror: 'SQLMIR01', witness: 'SQLWIT01' };

function withStore(body: (store: Store) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-anchor-'));
    const store = openStore(join(dir, 'state.db'));
    try {
      await body(store);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const anchors = (store: Store, runId: string) =>
  store.audit
    .forRun(runId)
    .filter((a) => a.kind === 'anchor')
    .map((a) => `${a.server} ${a.result}${a.message ? `: ${a.message}` : ''}`);

test(
  'a server the run saw fail is not waited for at its end: skipped, audited, left to the resume; the other is anchored',
  withStore(async (store) => {
    const written: SqlTarget[] = [];
    const procedure: LoadedProcedure = {
      pairKey: 'A+B',
      definition: {
        name: 'two-servers',
        title: 'reads both, then loses the mirror',
        steps: [
          {
            id: 'read-both',
            title: 'read both',
            target: 'principal',
            probe: async () => ({ done: false }),
            apply: async (ctx) => {
              await ctx.sql('principal', sql('SELECT 1'));
              await ctx.sql('mirror', sql('SELECT 2'));
            },
            verify: async () => ({ done: true }),
            plan: () => [{ target: 'principal', tsql: sql('SELECT 1') }],
          },
          {
            id: 'mirror-gone',
            title: 'the mirror stops answering',
            target: 'mirror',
            probe: async () => ({ done: false }),
            apply: async (ctx) => {
              await ctx.sql('mirror', sql('ALTER DATABASE [Patriot] SET PARTNER RESUME'));
            },
            verify: async () => ({ done: true }),
            plan: () => [{ target: 'mirror', tsql: sql('ALTER DATABASE [Patriot] SET PARTNER RESUME') }],
          },
        ],
      },
      targets: (): SqlTargets => ({
        serverName: (target) => names[target],
        query: async (target, statement) => {
          if (statement.masked.startsWith('ALTER')) throw Object.assign(new Error('Connection lost - read ECONNRESET'), { code: 'ESOCKET' });
          return { recordsets: [[{ target }]], rowsAffected: [1] };
        },
        close: async () => {},
      }),
    };
    const result = await startRun({
      store,
      procedure,
      operator: commandLineOperator({ name: 'test', yes: true }),
      who: { operator: 'test', osUser: 'test', host: 'test' },
      signal: new AbortController().signal,
      resumeCommand: (id) => `mirrorbook resume ${id}`,
      // The mirror never answers an anchor: waiting for it would hold the run's end for its whole limit.
      anchor: async (_targets, target, _facts, signal) => {
        if (target === 'mirror') await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
        written.push(target);
      },
    });
    assert.is(result.status, 'failed');
    assert.equal(written, ['principal']);
    const runId = store.runs.latest()!.id;
    const audited = anchors(store, runId);
    assert.is(audited.length, 2, audited.join('\n'));
    assert.ok(audited.includes('SQLPRI01 written'), audited.join('\n'));
    assert.ok(
      audited.some((a) =>
        a.startsWith(
          "SQLMIR01 not written: the run's anchor could not be written: skipped: the server did not answer this run's last statement to it; `resume` anchors the run there",
        ),
      ),
      audited.join('\n'),
    );
    assert.ok(store.audit.verify().ok);
  }),
);

function endedRun(store: Store): string {
  const id = 'run-anchored';
  store.runs.create({
    id,
    procedure: 'ledger',
    pairKey: 'A+B',
    definitionHash: 'h',
    definition: { name: 'ledger', title: 't', steps: [] },
    operator: 'alice',
    osUser: 'alice',
    host: 'ops01',
    pid: process.pid,
    argv: ['run', 'ledger'],
  });
  for (const target of ['principal', 'mirror'] as const)
    store.audit.append({ kind: 'statement', runId: id, target, server: names[target], sql: 'SELECT 1', result: 'ok' });
  store.runs.setStatus(id, 'done', 0);
  return id;
}

test(
  'connecting has its own limit: a login slower than the anchor limit still gets the anchor written',
  withStore(async (store) => {
    const runId = endedRun(store);
    const targets: SqlTargets = {
      serverName: (target) => names[target],
      connect: (target) => new Promise((resolve) => setTimeout(resolve, target === 'principal' ? 200 : 0)),
      query: async () => ({ recordsets: [], rowsAffected: [] }),
      close: async () => {},
    };
    await anchorRunEnd({
      store,
      run: store.runs.get(runId)!,
      status: 'done',
      operator: 'alice',
      host: 'ops01',
      targets,
      answered: ['principal', 'mirror'],
      write: async (_t, target, _f, signal) => {
        // The mirror connects at once but never answers the anchor: its own limit names that.
        if (target === 'mirror') await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled'))));
      },
      waits: { connectMs: 10_000, anchorMs: 50 },
    });
    const audited = anchors(store, runId);
    assert.ok(audited.includes('SQLPRI01 written'), `a 200 ms login does not count in a 50 ms anchor limit: ${audited.join('\n')}`);
    assert.ok(audited.includes("SQLMIR01 not written: the run's anchor could not be written: connected, but no answer within 0.05 s"), audited.join('\n'));
    assert.equal(anchorsMissing(store, store.runs.get(runId)!), ['mirror'], 'a resume of the done run anchors it on the mirror only');
  }),
);

test(
  'a connect that never stands is given up after its own limit, and named so',
  withStore(async (store) => {
    const runId = endedRun(store);
    const targets: SqlTargets = {
      serverName: (target) => names[target],
      connect: () => new Promise(() => {}),
      query: async () => ({ recordsets: [], rowsAffected: [] }),
      close: async () => {},
    };
    assert.equal(anchorsMissing(store, store.runs.get(runId)!), ['principal', 'mirror'], 'killed before its anchors: both missing');
    await anchorRunEnd({
      store,
      run: store.runs.get(runId)!,
      status: 'done',
      operator: 'alice',
      host: 'ops01',
      targets,
      answered: ['principal'],
      write: async () => {},
      waits: { connectMs: 50, anchorMs: 50 },
    });
    assert.equal(anchors(store, runId), ["SQLPRI01 not written: the run's anchor could not be written: could not connect within 0.05 s"]);
  }),
);

test.run();
