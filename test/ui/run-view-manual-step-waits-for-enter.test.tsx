import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STEPS, ev, frameWhere, renderRunView, settled, stepDefinition } from './run-view-harness.js';

test('a manual step shows what to do and waits for Enter; other keys do nothing', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'domain-setup', pair: 'SQLPRI01+SQLMIR01', operator: 'dba', resumed: false, steps: STEPS }));
    ui.emit(ev('step-started', { stepId: 'service', attempt: 1, target: 'mirror', server: 'SQLMIR01' }));
    ui.emit(ev('manual-required', { stepId: 'service', instructions: 'Set the SQL Server service on SQLMIR01 to run as LAB\\svc-sql.' }));
    const answer = ui.operator.confirmManual(stepDefinition('service'));
    const frame = await frameWhere(ui.lastFrame, (f) => f.includes('Manual step'), 'the manual prompt');
    assert.match(frame, /Manual step: Check the service account/);
    assert.match(frame, /Set the SQL Server service on SQLMIR01 to run as LAB\\svc-sql\./);
    assert.match(frame, /Press Enter when it is done/);
    assert.match(frame, /\? Check the service account\n  on SQLMIR01 \(configured mirror\)/, 'the step shows it waits, and where (no read found its role yet)');
    ui.stdin.write('x');
    assert.not.ok(await settled(answer), 'a stray key is not an answer');
    ui.stdin.write('\r');
    assert.is(await answer, true);
    ui.emit(ev('step-finished', { stepId: 'service', status: 'done', ms: 5000, detail: 'SQLMIR01 runs as LAB\\svc-sql' }));
    const verified = await frameWhere(ui.lastFrame, (f) => f.includes('✔ Check the service account'), 'the verified step');
    assert.match(verified, /SQLMIR01 runs as LAB\\svc-sql/, 'what the probe verified is shown');
    assert.not.match(verified, /Manual step/);
  } finally {
    ui.cleanup();
  }
});

test("'a' stops the run at a manual step, as it does after a failure; 's' never stops", async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'domain-setup', pair: 'P', operator: 'dba', resumed: false, steps: STEPS }));
    const answer = ui.operator.confirmManual(stepDefinition('service'));
    const frame = await frameWhere(ui.lastFrame, (f) => f.includes('Manual step'), 'the manual prompt');
    assert.match(frame, /a or Esc stops the run/);
    ui.stdin.write('s');
    assert.not.ok(await settled(answer), "'s' means skip, never stop");
    ui.stdin.write('a');
    assert.is(await answer, false);
  } finally {
    ui.cleanup();
  }
});

test('Ctrl-C asks for the interrupt, and the run signal closes the pending question', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'domain-setup', pair: 'P', operator: 'dba', resumed: false, steps: STEPS }));
    const answer = ui.operator.confirmManual(stepDefinition('service'));
    await frameWhere(ui.lastFrame, (f) => f.includes('Manual step'), 'the manual prompt');
    ui.stdin.write('\x03');
    assert.is(ui.interrupts(), 1);
    ui.controller.abort('SIGINT');
    await answer.then(
      () => assert.unreachable('the question must not be answered'),
      (e: Error) => assert.is(e.name, 'AbortError'),
    );
    await frameWhere(ui.lastFrame, (f) => !f.includes('Manual step'), 'the prompt gone');
  } finally {
    ui.cleanup();
  }
});

test.run();
