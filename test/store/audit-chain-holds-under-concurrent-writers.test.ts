import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { intactCount, TS_NODE_ARGS, tempStore } from './support.js';

const PER_WRITER = 300;

test('two processes appending at the same time still leave one unbroken chain', async () => {
  const t = tempStore();
  const script = join(t.dir, 'appender.mjs');
  const go = join(t.dir, 'go');
  // Both writers open the store, say they are ready, and start together when the parent says go.
  writeFileSync(
    script,
    `
    import { existsSync, writeFileSync } from 'node:fs';
    import { openStore } from ${JSON.stringify(new URL('../../store/index.ts', import.meta.url).pathname)};
    const name = process.argv[2];
    const store = openStore(${JSON.stringify(t.path)});
    writeFileSync(${JSON.stringify(t.dir)} + '/ready-' + name, '');
    while (!existsSync(${JSON.stringify(go)})) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    // A pause outside the write lock after each append gives the other writer its turn.
    for (let i = 0; i < ${PER_WRITER}; i += 1) {
      store.audit.append({ kind: 'note', message: name });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
    store.close();
  `,
  );
  try {
    const run = (name: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, [...TS_NODE_ARGS, script, name], { stdio: 'inherit' });
        child.on('error', reject);
        child.on('exit', resolve);
      });
    const writers = Promise.all([run('a'), run('b')]);
    while (!existsSync(join(t.dir, 'ready-a')) || !existsSync(join(t.dir, 'ready-b'))) await delay(10);
    writeFileSync(go, '');
    assert.equal(await writers, [0, 0]);

    assert.equal(intactCount(t.store.audit.verify()), 2 * PER_WRITER);
    let order = '';
    t.store.audit.export('ndjson', {}, (chunk) => {
      for (const line of chunk.split('\n').filter(Boolean)) order += (JSON.parse(line) as { message: string }).message;
    });
    assert.is(order.length, 2 * PER_WRITER);
    const switches = [...order].filter((c, i) => i > 0 && c !== order[i - 1]).length;
    assert.ok(switches >= 10, `the writers interleaved (${switches} switches between writers)`);
  } finally {
    t.cleanup();
  }
});

test.run();
