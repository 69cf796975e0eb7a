// The intent names the T-SQL its apply will send (the step's plan). A statement built from what the
// apply read — a partner's certificate bytes, someone else's log backup — is not in it, so it is
// made durable in the audit before it is sent: a crash while the server runs it cannot hide it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { startRun } from '../../machines/engine.js';
import { commandLineOperator } from '../../machines/operators.js';
import type { LoadedProcedure } from '../../machines/procedure-source.js';
import type { ProcedureDefinition, Tsql } from '../../machines/procedure.js';

const sql = (text: string): Tsql => ({ masked: text, reveal: () => text });
const PLANNED = 'CREATE LOGIN [planned] FROM CERTIFICATE [c]';
const BUILT = 'CREATE CERTIFICATE [peer] FROM BINARY = 0x0102';
const READ = 'SELECT name FROM sys.certificates';

test('only the change the plan does not name is durable before the server receives it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-sending-'));
  const path = join(dir, 'state.db');
  const store = openStore(path);
  const durableWhenSent = new Map<string, string[]>();
  const definition: ProcedureDefinition = {
    name: 'sending',
    title: 'one step sending a planned, a built and a read statement',
    steps: [
      {
        id: 'import-peer',
        title: 'import the peer certificate',
        target: 'mirror',
        probe: async () => ({ done: false }),
        apply: async (ctx) => {
          await ctx.sql('mirror', sql(READ));
          await ctx.sql('mirror', sql(BUILT));
          await ctx.sql('mirror', sql(PLANNED));
        },
        verify: async () => ({ done: true }),
        plan: () => [{ target: 'mirror', tsql: sql(PLANNED) }],
      },
    ],
  };
  const procedure: LoadedProcedure = {
    definition,
    pairKey: 'A+B',
    targets: () => ({
      serverName: () => 'SQLMIR01',
      query: async (_target, statement) => {
        // What another process reading the store would find while the server runs the statement.
        const reader = openStore(path);
        try {
          durableWhenSent.set(
            statement.masked,
            reader.audit
              .forRun(reader.runs.latest()!.id)
              .filter((a) => a.kind === 'statement')
              .map((a) => `${a.sql} ${a.result}`),
          );
        } finally {
          reader.close();
        }
        return { recordsets: [], rowsAffected: [1] };
      },
      close: async () => {},
    }),
  };
  try {
    const result = await startRun({
      store,
      procedure,
      operator: commandLineOperator({ name: 'test', yes: true }),
      who: { operator: 'test', osUser: 'test', host: 'test' },
      signal: new AbortController().signal,
      resumeCommand: (id) => `mirrorbook resume ${id}`,
    });
    assert.is(result.status, 'done');
    assert.ok(
      durableWhenSent.get(BUILT)?.includes(`${BUILT} sending`),
      `the built statement is in the audit before it is sent: ${JSON.stringify(durableWhenSent.get(BUILT))}`,
    );
    assert.not.ok(
      durableWhenSent.get(PLANNED)?.some((line) => line.startsWith(PLANNED)),
      'the planned statement is named by the intent: no record of its own before it is sent',
    );
    const statements = store.audit
      .forRun(store.runs.latest()!.id)
      .filter((a) => a.kind === 'statement')
      .map((a) => `${a.sql} ${a.result}`);
    assert.equal(statements, [`${READ} ok`, `${BUILT} sending`, `${BUILT} ok`, `${PLANNED} ok`]);
    assert.ok(store.audit.verify().ok);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
