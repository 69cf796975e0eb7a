import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatesCli, openTerminal } from './tmux.js';

test('on a real terminal: Enter confirms the manual step, a mistyped name is refused, the right one goes ahead, r retries a failure', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mb-ui-gates-'));
  const { command, env } = gatesCli(dir, 'run gates --operator night-dba');
  const term = openTerminal(command, { env: { ...env, MB_GATES_FAIL: '1' } });
  try {
    await term.waitFor('Manual step: Check the SQL Server service account');
    assert.match(term.screen(), /gates on LABPRI\+LABMIR · run \S+ · operator night-dba · 5 steps/);
    assert.match(term.screen(), /✔ Back up Patriot \[LABPRI\]/);
    term.keys('Enter');
    await term.waitFor('Destructive: Overwrite Patriot on the mirror');
    assert.match(term.screen(), /SQLMIR01 runs as LAB\\svc-sql/, 'what the probe verified after the manual step');
    term.resize(72, 45);
    const narrow = await term.waitFor(/^╭─{70}╮$/m);
    assert.match(narrow, /^│ Type Patriot and press Enter to go ahead · Esc stops the run\s+│$/m, 'redrawn for the new width, not garbled');
    term.type('Patriott');
    term.keys('Enter');
    await term.waitFor("'Patriott' is not 'Patriot': nothing was done");
    assert.not.match(term.screen(), /✔ Overwrite Patriot/);
    term.type('Patriot');
    term.keys('Enter');
    await term.waitFor('[r] retry');
    const failed = term.screen();
    assert.match(failed, /error 1418: The server network address/);
    assert.match(failed, /hint: is the endpoint STARTED on the mirror\?/);
    term.type('r');
    const end = await term.waitFor('EXIT=');
    assert.match(end, /✔ gates done · 5 done/);
    assert.match(end, /EXIT=0/);
    assert.is(end.split('✔ Overwrite Patriot on the mirror').length - 1, 1, 'each finished step printed once');
  } finally {
    term.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
