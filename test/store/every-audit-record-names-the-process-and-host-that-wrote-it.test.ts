// Every audit record carries the pid and host of the process that wrote it, inside the hashed
// content: a record another process appends names that process, the exports carry both, and an
// edited or blanked pid breaks the chain at that record. Records written before the pid existed
// (schema < 9) keep verifying: test/store/migrations-are-versioned-and-idempotent.test.ts and
// test/proof/store-made-by-the-first-schema-migrates-and-its-data-survives.test.ts. (The run-start
// record names the run's own process: here the test's pid, on the host the test's run input gives.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { runInput, TS_NODE_ARGS, tempStore } from './support.js';
import { tamper } from './tamper.js';
import { openStore } from '../../store/index.js';

test('records of this process and of another one name each its own pid and host; exports carry them', () => {
  const t = tempStore();
  try {
    t.store.runs.create(runInput());
    t.store.audit.append({ kind: 'note', runId: 'run-1', message: 'from the test process' });
    t.store.close();
    const script = `import { openStore } from './store/index.ts';
      const store = openStore(process.env.STORE);
      store.audit.append({ kind: 'note', runId: 'run-1', message: 'from a second process' });
      store.close();
      process.stdout.write(String(process.pid));`;
    const child = spawnSync(process.execPath, [...TS_NODE_ARGS, '--input-type=module', '-e', script], {
      cwd: new URL('../..', import.meta.url),
      env: { ...process.env, STORE: t.path },
      encoding: 'utf8',
    });
    assert.is(child.status, 0, child.stderr);
    const childPid = Number(child.stdout);
    assert.ok(childPid > 0 && childPid !== process.pid);

    const store = openStore(t.path);
    try {
      const records = store.audit.forRun('run-1');
      assert.equal(
        records.map((r) => [r.message ?? r.kind, r.pid, r.host]),
        [
          ['run-start', process.pid, 'dbhost'],
          ['from the test process', process.pid, hostname()],
          ['from a second process', childPid, hostname()],
        ],
      );
      assert.ok(store.audit.verify().ok);
      let ndjson = '';
      store.audit.export('ndjson', { runId: 'run-1' }, (c) => (ndjson += c));
      assert.equal(
        ndjson
          .trim()
          .split('\n')
          .map((l) => (JSON.parse(l) as { pid: number }).pid),
        [process.pid, process.pid, childPid],
      );
      let csv = '';
      store.audit.export('csv', { runId: 'run-1' }, (c) => (csv += c));
      // host comes before the quoted fields, pid is the last column.
      const [header, ...rows] = csv
        .trim()
        .split('\r\n')
        .map((l) => l.split(','));
      const hostAt = header!.indexOf('host');
      assert.is(header!.at(-1), 'pid');
      assert.equal(
        rows.map((r) => [r.at(-1), r[hostAt]]),
        [
          [String(process.pid), 'dbhost'],
          [String(process.pid), hostname()],
          [String(childPid), hostname()],
        ],
      );
    } finally {
      store.close();
    }
  } finally {
    t.cleanup();
  }
});

for (const [what, sql] of [
  ['changed', 'UPDATE audit SET pid = pid + 1 WHERE seq = 2'],
  ['blanked', 'UPDATE audit SET pid = NULL WHERE seq = 2'],
] as const) {
  test(`a ${what} pid breaks the chain at its record`, () => {
    const t = tempStore();
    try {
      t.store.runs.create(runInput());
      for (let i = 0; i < 3; i++) t.store.audit.append({ kind: 'note', runId: 'run-1', message: `note ${i}` });
      assert.ok(t.store.audit.verify().ok);
      tamper(t.path, sql);
      const v = t.store.audit.verify();
      assert.is(v.ok, false);
      if (!v.ok) assert.equal([v.firstBad.seq, v.firstBad.problem], [2, 'edited']);
    } finally {
      t.cleanup();
    }
  });
}

test.run();
