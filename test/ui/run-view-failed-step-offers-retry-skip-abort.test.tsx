import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STEPS, ev, frameWhere, renderRunView, settled, stepDefinition } from './run-view-harness.js';

const error1418 = Object.assign(new Error("The server network address 'TCP://sqlmir01.lab.local:1430' can not be reached or does not exist."), {
  number: 1418,
  hint: 'check the endpoint on the mirror is STARTED',
});

test('a failed step shows the error number, message and hint, and takes r / s / a', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'enable', pair: 'SQLPRI01+SQLMIR01', operator: 'dba', resumed: false, steps: STEPS }));
    ui.emit(ev('step-started', { stepId: 'partner', attempt: 1, target: 'principal', server: 'SQLPRI01' }));
    ui.emit(ev('step-finished', { stepId: 'partner', status: 'failed', ms: 300, error: { number: 1418, message: error1418.message, hint: error1418.hint } }));
    const choice = ui.operator.onFailure(stepDefinition('partner'), error1418, ['retry', 'skip', 'abort']);
    const frame = await frameWhere(ui.lastFrame, (f) => f.includes('[r] retry'), 'the failure menu');
    assert.match(frame, /✖ SET PARTNER on the principal failed/);
    assert.match(frame, /error 1418: The server network address/);
    assert.match(frame, /hint: check the endpoint on the mirror is STARTED/);
    assert.match(frame, /\[r\] retry\s+\[s\] skip\s+\[a\] abort/);
    ui.stdin.write('x');
    assert.not.ok(await settled(choice));
    ui.stdin.write('s');
    assert.is(await choice, 'skip');
  } finally {
    ui.cleanup();
  }
});

test('a skip takes the typed step id, then a reason; a mistyped id skips nothing and Esc backs out', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'enable', pair: 'P', operator: 'dba', resumed: false, steps: STEPS }));
    const backedOut = ui.operator.confirmSkip(stepDefinition('partner'));
    await frameWhere(ui.lastFrame, (f) => f.includes('Skip: SET PARTNER'), 'the skip prompt');
    ui.stdin.write('\x1b');
    assert.is(await backedOut, undefined);
    const reason = ui.operator.confirmSkip(stepDefinition('partner'));
    await frameWhere(ui.lastFrame, (f) => f.includes('Type partner'), 'the skip prompt');
    ui.stdin.write('partnr\r');
    await frameWhere(ui.lastFrame, (f) => f.includes("'partnr' is not 'partner'"), 'the refusal');
    ui.stdin.write('\r');
    assert.not.ok(await settled(reason), 'an empty line confirms nothing');
    ui.stdin.write('partner\r');
    await frameWhere(ui.lastFrame, (f) => f.includes('Why is it safe to skip'), 'the reason prompt');
    ui.stdin.write('\r');
    assert.not.ok(await settled(reason), 'a skip needs a reason');
    ui.stdin.write('done by hand in SSMS\r');
    assert.is(await reason, 'done by hand in SSMS');
  } finally {
    ui.cleanup();
  }
});

test('skip is not offered where the step does not allow it', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'restore', pair: 'P', operator: 'dba', resumed: false, steps: STEPS }));
    const choice = ui.operator.onFailure(stepDefinition('overwrite'), error1418, ['retry', 'abort']);
    const frame = await frameWhere(ui.lastFrame, (f) => f.includes('[r] retry'), 'the failure menu');
    assert.not.match(frame, /\[s\] skip/);
    assert.match(frame, /cannot be skipped/);
    ui.stdin.write('s');
    assert.not.ok(await settled(choice), "'s' means nothing here");
    ui.stdin.write('r');
    assert.is(await choice, 'retry');
  } finally {
    ui.cleanup();
  }
});

test('without raw mode the view renders and mounts no key handling', async () => {
  const ui = renderRunView({ keys: false });
  try {
    ui.emit(ev('run-started', { procedure: 'enable', pair: 'P', operator: 'dba', resumed: false, steps: STEPS }));
    const frame = await frameWhere(ui.lastFrame, (f) => f.includes('enable on P'), 'the header');
    assert.match(frame, /· Full backup of Patriot/);
  } finally {
    ui.cleanup();
  }
});

test.run();
