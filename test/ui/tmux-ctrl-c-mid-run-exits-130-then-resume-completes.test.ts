import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatesCli, openTerminal } from './tmux.js';

test('Ctrl-C during a step stops it with the resume command (exit 130); resume finishes without asking again', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-ui-ctrlc-'));
  const first = gatesCli(dir, 'run gates');
  const term = openTerminal(first.command, { env: { ...first.env, MB_GATES_WAIT: '1' } });
  let again: ReturnType<typeof openTerminal> | undefined;
  try {
    await term.waitFor('Manual step');
    term.keys('Enter');
    await term.waitFor('Destructive');
    term.type('Patriot');
    term.keys('Enter');
    await term.waitFor('▶ Wait for the mirror');
    term.keys('C-c');
    const stopped = await term.waitFor('EXIT=');
    assert.match(stopped, /EXIT=130/);
    assert.match(stopped, /interrupted; the checkpoint is written/);
    const resume = /to continue: .*? (resume \S+)/.exec(stopped);
    assert.ok(resume, 'the resume command is shown');

    const second = gatesCli(dir, resume![1]!);
    again = openTerminal(second.command, { env: second.env });
    const end = await again.waitFor('EXIT=');
    assert.match(end, /resuming gates/);
    assert.match(end, /✔ gates done/);
    assert.match(end, /EXIT=0/);
    assert.not.match(end, /Manual step|Destructive:/, 'answered questions are not asked again');
  } finally {
    term.kill();
    again?.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
