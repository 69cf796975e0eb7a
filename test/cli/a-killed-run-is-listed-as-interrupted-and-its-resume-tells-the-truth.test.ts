// A run whose process was SIGKILLed is listed by `runs` and `show` as interrupted (its process is
// gone), not as running; the resume names the process that died last (not the first one); a step
// an earlier process began lasts from then (marked as across the interruption), not from the probe;
// every audit record, and the timeline of `show`, names the process that wrote it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Harness, type Started } from '../engine/cli-harness.js';

const RUN = ['run', 'ledger', '--yes', '--confirm', 'Patriot', '--json'];

async function killedAt(h: Harness, args: string[], label: string, env: Record<string, string> = {}): Promise<{ pid: number; stdout: string }> {
  const started: Started = h.start(args, { MB_FIXTURE_HALT_AT: label, ...env });
  await h.waitForFile('halted-at', started);
  started.child.kill('SIGKILL');
  const exit = await started.exit;
  assert.is(exit.signal, 'SIGKILL');
  const { rmSync } = await import('node:fs');
  rmSync(`${h.fixtureDir}/halted-at`);
  return { pid: started.child.pid!, stdout: exit.stdout };
}

test('SIGKILLed: runs and show say interrupted; the resume names the last process; durations count earlier work', async () => {
  const h = await Harness.bundled();
  try {
    // Killed after its statement landed (400 ms of work) but before the outcome was written.
    const first = await killedAt(h, RUN, 'apply-after:create-master-key#1', { MB_FIXTURE_APPLY_MS: '400' });

    const listed = await h.run(['runs', '--json']);
    assert.is(listed.code, 0, listed.stderr);
    const row = JSON.parse(listed.stdout.trim().split('\n')[0]!) as { id: string; status: string; recordedStatus?: string; how?: string };
    assert.is(row.status, 'interrupted');
    assert.is(row.recordedStatus, 'running');
    assert.match(row.how ?? '', `process ${first.pid} `);
    const table = await h.run(['runs']);
    assert.match(table.stdout, new RegExp(`${row.id} .*interrupted \\(process gone\\)`));
    const shown = await h.run(['show', row.id]);
    assert.match(shown.stdout, new RegExp(`${row.id}: ledger on \\S+ — interrupted, process ${first.pid} on \\S+ ended without recording an end`));

    // The resume finishes create-master-key (its work was done before the kill) and is killed too.
    const second = await killedAt(h, ['resume', '--yes', '--confirm', 'Patriot', '--json'], 'outcome:stop-patriot-services#1');
    const finished = second.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; stepId?: string; ms?: number; acrossInterruption?: boolean })
      .find((e) => e.type === 'step-finished' && e.stepId === 'create-master-key');
    assert.ok(finished, second.stdout);
    assert.ok(finished!.ms! >= 400, `create-master-key took ${finished!.ms} ms; its apply worked 400 ms before the kill`);
    assert.is(finished!.acrossInterruption, true);

    const last = await h.run(['resume', '--yes', '--confirm', 'Patriot']);
    assert.is(last.code, 0, last.stdout + last.stderr);
    const records = h.withStore((store) => store.audit.forRun(row.id));
    const resumes = records.filter((a) => a.kind === 'resume' && a.message);
    assert.equal(
      resumes.map((a) => a.message),
      [`the previous process (pid ${first.pid}) ended without finishing the run`, `the previous process (pid ${second.pid}) ended without finishing the run`],
    );
    // Every record names the process that wrote it: the first run, the resume killed, the last one.
    assert.is(records[0]!.pid, first.pid);
    assert.is(resumes[0]!.pid, second.pid);
    assert.not.ok([first.pid, second.pid].includes(resumes[1]!.pid!));
    assert.ok(records.every((a) => a.pid !== null && a.host === records[0]!.host));
    const timeline = (await h.run(['show', row.id])).stdout;
    for (const pid of [first.pid, second.pid, resumes[1]!.pid]) assert.match(timeline, `(written by process ${pid} on `);
    const done = JSON.parse((await h.run(['runs', '--json'])).stdout.split('\n')[0]!) as { status: string; recordedStatus?: string };
    assert.is(done.status, 'done');
    assert.is(done.recordedStatus, undefined);
  } finally {
    h.cleanup();
  }
});

test.run();
