import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STEPS, ev, frameWhere, renderRunView, settled, stepDefinition } from './run-view-harness.js';

test('a destructive step asks for the name; a mistype is refused, the exact name goes ahead', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'restore', pair: 'SQLPRI01+SQLMIR01', operator: 'dba', resumed: false, steps: STEPS }));
    const answer = ui.operator.confirmDestructive(stepDefinition('overwrite'));
    const frame = await frameWhere(ui.lastFrame, (f) => f.includes('Destructive'), 'the destructive prompt');
    assert.match(frame, /Destructive: Overwrite Patriot on the mirror/);
    assert.match(frame, /the copy of Patriot on SQLMIR01 is replaced/);
    assert.match(frame, /Type Patriot and press Enter/);

    ui.stdin.write('patriot');
    await frameWhere(ui.lastFrame, (f) => f.includes('> patriot'), 'the typed text');
    ui.stdin.write('\r');
    const refused = await frameWhere(ui.lastFrame, (f) => f.includes('is not'), 'the refusal');
    assert.match(refused, /'patriot' is not 'Patriot': nothing was done/);
    assert.not.ok(await settled(answer), 'a mistype is not a confirmation');

    ui.stdin.write('Patriott');
    await frameWhere(ui.lastFrame, (f) => f.includes('> Patriott'), 'the second try');
    ui.stdin.write('\x7f');
    await frameWhere(ui.lastFrame, (f) => /> Patriot(?!t)/.test(f), 'backspace');
    ui.stdin.write('\r');
    assert.is(await answer, true);
  } finally {
    ui.cleanup();
  }
});

test('a name pasted with its Enter in one chunk counts; Esc stops the run', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'restore', pair: 'P', operator: 'dba', resumed: false, steps: STEPS }));
    const first = ui.operator.confirmDestructive(stepDefinition('overwrite'));
    await frameWhere(ui.lastFrame, (f) => f.includes('Destructive'), 'the prompt');
    ui.stdin.write('Patriot\r');
    assert.is(await first, true);
    const second = ui.operator.confirmDestructive(stepDefinition('overwrite'));
    await frameWhere(ui.lastFrame, (f) => f.includes('Destructive'), 'the prompt again');
    ui.stdin.write('\x1b');
    assert.is(await second, false);
  } finally {
    ui.cleanup();
  }
});

test.run();
