// A preflight that refuses a run on a terminal: the run view draws the ✗ rows before it goes, so
// the operator reads what to fix where the run was started (they arrive within the view's frame
// interval of the refusal, and were once lost with the unmount).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { cliCommand } from '../helpers/lab.js';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';
import { openTerminal, shellQuote } from './tmux.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
  await pair.sql('SQLPRI01', 'DROP DATABASE PatriotArchive');
});
test.after(async () => {
  await pair?.stop();
});

test('run setup refused by its preflight shows each ✗ row with its hint, then exits 1 with nothing changed', async () => {
  const cli = `node ${cliCommand().map(shellQuote).join(' ')} run setup --config ${shellQuote(pair.config)} --store ${shellQuote(join(pair.lab.dir, 'tui.db'))}`;
  const term = openTerminal(cli);
  try {
    const end = await term.waitFor('EXIT=');
    assert.match(end, /EXIT=1/, end);
    assert.match(end, /check\(s\) failed \(✗\), nothing was changed/);
    assert.not.match(end, /could not be compared/, "a missing database is the databases check's row alone");
    assert.match(
      end,
      /✗ database SQLPRI01: no database 'PatriotArchive' — correct databases: in the config/,
      `the failed check names the database and what it found:\n${end}`,
    );
  } finally {
    term.kill();
  }
});

test.run();
