import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-lab-cli-'));

for (const args of [['status'], ['fault', 'SQLPRI01', 'down'], ['sessions', 'SQLPRI01', 'list'], ['service-account', 'SQLPRI01', 'LAB\\sqlsvc']]) {
  test(`'lab ${args.join(' ')}' on a stopped lab says so and how to start it`, async () => {
    const result = await runCli(['lab', ...args, '--dir', dir]);
    assert.is(result.code, 1);
    assert.match(result.stderr, `no lab is running in ${dir}`);
    assert.match(result.stderr, ` lab start --dir ${dir}`);
  });
}

test("'lab status --json' on a stopped lab still prints JSON", async () => {
  const result = await runCli(['lab', 'status', '--json', '--dir', dir]);
  assert.equal(JSON.parse(result.stdout), { running: false, dir, instances: [] });
});

test("'lab stop' on a stopped lab is not an error", async () => {
  const result = await runCli(['lab', 'stop', '--dir', dir]);
  assert.is(result.code, 0);
  assert.match(result.stdout, 'no lab is running');
});

test("'lab log' with no lab in the directory says so", async () => {
  const result = await runCli(['lab', 'log', 'SQLPRI01', '--dir', dir]);
  assert.is(result.code, 1);
  assert.match(result.stderr, `there is no lab in ${dir}`);
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
