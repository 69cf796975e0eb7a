// The run view on a real 80-column terminal after a failover: SQLMIR01 serves, SQLPRI01 mirrors.
// While set-safety-full waits for SYNCHRONIZED, each server is named by the role a read found —
// "mirror SQLPRI01", never "principal SQLPRI01" — and each finished step line keeps its server,
// duration and state, its title cut instead. SQLPRI01 answers 300 ms late so that its reads stay on
// screen long enough to be seen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { cliCommand } from '../helpers/lab.js';
import { type PairLab } from '../runbooks/pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';
import { openTerminal, shellQuote } from './tmux.js';

let pair: PairLab;
test.before(async () => {
  // A copy of the suite's set-up pair (what `run setup --yes` leaves on a fresh one), at the lab's
  // realistic pace: the wait this test watches lasts as long as an operator would see it.
  pair = await startSetUpPair({ realisticPace: true });
  for (const procedure of ['failover', 'set-safety-off']) {
    const run = await pair.mb('run', procedure, '--yes');
    if (run.code !== 0) throw new Error(`${procedure} failed: ${run.stdout.slice(-2000)}${run.stderr}`);
  }
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'slow', ms: 300 });
});
test.after(async () => {
  await pair?.stop();
});

test('80 columns, after a failover: the wait names SQLPRI01 mirror and SQLMIR01 principal; step lines keep server, duration and state', async () => {
  const cli = `node ${cliCommand().map(shellQuote).join(' ')} run set-safety-full --config ${shellQuote(pair.config)} --store ${shellQuote(join(pair.lab.dir, 'state.db'))}`;
  const term = openTerminal(cli, { width: 80, height: 40, env: { MIRRORBOOK_POLL_MS: '50' } });
  try {
    const seen = new Set<string>();
    const deadline = Date.now() + 120_000;
    let screen = '';
    while (!/EXIT=\d+/.test(screen)) {
      if (Date.now() > deadline) throw new Error(`the run did not end; the terminal shows:\n${screen}`);
      screen = term.screen();
      for (const m of screen.matchAll(/ on (principal|mirror) (SQL\w+)| on (SQL\w+) \(configured (principal|mirror)\)/g)) seen.add(m[0].trim());
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(screen, /EXIT=0/, screen);
    assert.ok(seen.has('on mirror SQLPRI01'), `the configured principal is named mirror while it is one; seen: ${[...seen].join(', ')}`);
    assert.not.ok(seen.has('on principal SQLPRI01'), `SQLPRI01 is never called the principal; seen: ${[...seen].join(', ')}`);
    assert.not.ok(seen.has('on mirror SQLMIR01'), `SQLMIR01 is never called the mirror; seen: ${[...seen].join(', ')}`);
    const stepLines = screen.split('\n').filter((line) => /^✔ .* \[/.test(line));
    assert.ok(stepLines.length >= 4, screen);
    for (const line of stepLines) {
      assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
      assert.match(line, / \[SQL(PRI|MIR)01\] \d+(\.\d+)? (ms|s)( · already done)?$/, `server, duration and state kept: ${line}`);
    }
    assert.ok(
      stepLines.some((line) => /^✔ SET PARTNER SAFETY FULL for Patriot.* \[SQLMIR01\]/.test(line)),
      `SAFETY FULL went to SQLMIR01, the principal now:\n${stepLines.join('\n')}`,
    );
    assert.ok(
      stepLines.some((line) => line.includes('… [')),
      `a long title is cut:\n${stepLines.join('\n')}`,
    );
  } finally {
    term.kill();
  }
});

test.run();
