import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chooseOutput } from '../../ui/output-mode.js';

const tty = { json: false, plain: false, stdoutIsTTY: true };

test('a terminal without CI gets the run view', () => {
  assert.is(chooseOutput({ ...tty, env: { TERM: 'xterm-256color' } }), 'ink');
  assert.is(chooseOutput({ ...tty, env: { CI: 'false' } }), 'ink');
});

test('a pipe, CI, --plain or a dumb terminal get plain lines', () => {
  assert.is(chooseOutput({ ...tty, stdoutIsTTY: false, env: {} }), 'plain');
  assert.is(chooseOutput({ ...tty, env: { CI: 'true' } }), 'plain');
  assert.is(chooseOutput({ ...tty, env: { CI: '1' } }), 'plain');
  assert.is(chooseOutput({ ...tty, plain: true, env: {} }), 'plain');
  assert.is(chooseOutput({ ...tty, env: { TERM: 'dumb' } }), 'plain');
});

test('--json wins everywhere', () => {
  assert.is(chooseOutput({ ...tty, json: true, env: {} }), 'json');
  assert.is(chooseOutput({ ...tty, json: true, stdoutIsTTY: false, env: { CI: 'true' } }), 'json');
});

test.run();
