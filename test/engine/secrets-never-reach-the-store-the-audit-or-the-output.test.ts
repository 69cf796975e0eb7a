import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from './cli-harness.js';

const SECRET = 'Xq9-very-secret-Pa55';

test('the secret reaches the server and nothing else: store file, audit export, output', async () => {
  const h = await Harness.bundled();
  try {
    const env = { MB_FIXTURE_SECRET: SECRET };
    const outputs = [
      await h.run(['plan', 'ledger'], env),
      await h.run(['plan', 'ledger', '--json'], env),
      await h.run(['run', 'ledger', '--yes', '--confirm', 'Patriot', '--json'], env),
      await h.run(['audit', '--format', 'csv'], env),
      await h.run(['audit', '--format', 'md'], env),
    ];
    assert.is(outputs[2]!.code, 0, outputs[2]!.stderr);
    const runId = (JSON.parse(outputs[2]!.stdout.split('\n')[0]!) as { runId: string }).runId;
    outputs.push(await h.run(['show', runId, '--json'], env));
    for (const out of outputs) assert.not.ok((out.stdout + out.stderr).includes(SECRET), 'not in any output');
    assert.ok(outputs[2]!.stdout.includes("PASSWORD = N'****'"), 'masked in the events');
    for (const file of readdirSync(h.dir).filter((f) => f.startsWith('state.db'))) {
      assert.not.ok(readFileSync(join(h.dir, file)).includes(SECRET), `not in ${file}`);
    }
    assert.ok(readFileSync(join(h.fixtureDir, 'received.log'), 'utf8').includes(SECRET), 'the server did receive it');
  } finally {
    h.cleanup();
  }
});

test.run();
