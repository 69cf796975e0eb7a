// `status --watch` keeps reading the pair: a partner that goes down shows up in a later refresh,
// and Ctrl-C ends the watch cleanly (exit 0) — as SIGTERM (a service manager) and SIGHUP (the
// terminal closed) do, through the one signal owner (cli/signals.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/lab.js';
import { startPairLab, type PairLab, type StatusJson } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

const documents = (stdout: string): StatusJson[] =>
  stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as StatusJson);
const mirrorReachable = (s: StatusJson) => s.partners.find((p) => p.instance === 'SQLMIR01')?.reachable;

test('a watch shows the mirror going down in a later refresh and stops on Ctrl-C', async () => {
  const watch = pair.mbUntil(/(?!)/, 'status', '--watch', '--interval', '0.2', '--json');
  await waitFor('a first status', () => documents(watch.output()).length >= 1, 30_000);
  assert.is(mirrorReachable(documents(watch.output())[0]!), true);
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'down' });
  await waitFor('a refresh with the mirror down', () => documents(watch.output()).some((s) => mirrorReachable(s) === false), 30_000);
  watch.interrupt();
  const ended = await watch.done;
  assert.is(ended.code, 0, ended.stderr);
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'up' });
});

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} ends the watch cleanly too (exit 0, every document whole)`, async () => {
    const watch = pair.mbUntil(/(?!)/, 'status', '--watch', '--interval', '0.2', '--json');
    await waitFor('a first status', () => documents(watch.output()).length >= 1, 30_000);
    watch.interrupt(signal);
    const ended = await watch.done;
    assert.is(ended.code, 0, ended.stderr);
    assert.ok(ended.stdout.endsWith('\n'), 'the last document is complete');
    assert.ok(documents(ended.stdout).length >= 1);
  });
}

test.run();
