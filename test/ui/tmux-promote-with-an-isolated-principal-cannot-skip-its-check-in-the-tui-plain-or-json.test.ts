// The principal is cut off from the mirror but still serves: promote's "principal is lost" check
// fails, and nothing lets the operator skip it — not the TUI on a real terminal ('s' does nothing,
// the panel says why), not plain lines, not --json. Forced service never runs: one principal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { cliCommand } from '../helpers/lab.js';
import { type PairLab } from '../runbooks/pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';
import { openTerminal, shellQuote } from './tmux.js';

let pair: PairLab;
test.before(async () => {
  // A copy of the suite's set-up pair: what `run setup --yes` leaves on a fresh one.
  pair = await startSetUpPair();
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'isolate' });
  await pair.waitFor('SQLMIR01', 'Patriot', 'DISCONNECTED', 'MIRROR');
});
test.after(async () => {
  await pair?.stop();
});

async function principals(): Promise<string[]> {
  const status = await pair.status();
  return status.partners.flatMap((p) => p.databases.filter((d) => d.role === 'PRINCIPAL' && d.state === 'ONLINE').map((d) => `${p.instance}:${d.name}`));
}

test('--json and plain lines: the check fails, exit 1, forced service is never sent', async () => {
  for (const mode of ['--json', '--plain']) {
    const run = await pair.mb('run', 'promote', '--yes', '--confirm', 'SQLMIR01', mode);
    assert.is(run.code, 1, `${mode}: ${run.stdout.slice(-1500)}${run.stderr}`);
    assert.match(run.stdout, /still answers and serves Patriot/);
    assert.not.match(run.stdout, /FORCE_SERVICE_ALLOW_DATA_LOSS/);
  }
  assert.equal(await principals(), ['SQLPRI01:Patriot', 'SQLPRI01:PatriotArchive']);
});

test('the TUI on a terminal offers retry and abort only; s does nothing; a stops with exit 1', async () => {
  const cli = `node ${cliCommand().map(shellQuote).join(' ')} run promote --config ${shellQuote(pair.config)} --store ${shellQuote(join(pair.lab.dir, 'tui.db'))} --confirm SQLMIR01`;
  const term = openTerminal(cli, { env: { MIRRORBOOK_POLL_MS: '50' } });
  try {
    const failed = await term.waitFor('[r] retry');
    assert.match(failed, /✖ Check that the principal is lost/);
    assert.not.match(failed, /\[s\] skip/);
    assert.match(failed, /this step guards the pair: it cannot be skipped/);
    term.type('s');
    term.type('x');
    assert.not.match(term.screen(), /Skip:|EXIT=/, "'s' is not an answer here");
    term.type('a');
    const end = await term.waitFor('EXIT=');
    assert.match(end, /EXIT=1/);
  } finally {
    term.kill();
  }
  assert.equal(await principals(), ['SQLPRI01:Patriot', 'SQLPRI01:PatriotArchive'], 'still exactly one principal');
});

test.run();
