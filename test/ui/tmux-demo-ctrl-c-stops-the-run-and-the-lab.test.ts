import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRunningLab } from '../../lab/control/control-client.js';
import { stopLabProcess } from '../../lab/control/launch.js';
import { cliCommand, waitFor } from '../helpers/lab.js';
import { openTerminal, shellQuote } from './tmux.js';

test('demo on a terminal: the run view, Ctrl-C mid-setup exits 130 with the resume command and stops the lab', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-ui-demo-tty-'));
  const term = openTerminal(`node ${cliCommand().map(shellQuote).join(' ')} demo --dir ${shellQuote(dir)}`);
  try {
    await term.waitFor(/setup on SQLMIR01\+SQLPRI01 · run \S+ · operator \S+ · \d+ steps/);
    await term.waitFor('✔ Create the database master key');
    assert.ok(findRunningLab(join(dir, 'lab')), 'the lab runs during the demo');
    term.keys('C-c');
    const end = await term.waitFor('EXIT=');
    assert.match(end, /EXIT=130/);
    assert.match(end, /to continue: node [^\n]*?resume \S+ --config\s+\S+mirrorbook\.yaml/);
    assert.match(end, /lab stopped; its state is kept/);
    assert.not.match(end, /failover on SQLPRI01/, 'the demo does not go on after an interrupt');
    await waitFor('the lab to be gone', () => findRunningLab(join(dir, 'lab')) === null);
  } finally {
    term.kill();
    await stopLabProcess(join(dir, 'lab')).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
