// `status --watch` on a real terminal: Ink redraws the pair in place (one header on screen however
// many refreshes), each database with its queue's sparkline (send on the principal, redo on the
// mirror), a partner slower than monitor.slowAnswerMs called "slow to answer" until it heals;
// Ctrl-C ends it with exit 0. Piped, the same command appends one JSON document per refresh.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliCommand, waitFor } from '../helpers/lab.js';
import { type PairLab } from '../runbooks/pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';
import { openTerminal, shellQuote, type Terminal } from './tmux.js';

let pair: PairLab;
let term: Terminal | undefined;
test.before(async () => {
  // A copy of the suite's set-up pair: what `run setup --yes` leaves on a fresh one.
  pair = await startSetUpPair();
  appendFileSync(pair.config, 'monitor:\n  slowAnswerMs: 300\n');
});
test.after(async () => {
  term?.kill();
  await pair?.stop();
});

const headers = (screen: string) => screen.match(/mirroring status at \S+/g) ?? [];

test('on a terminal: redrawn in place with queue sparklines; a slow partner is called out, then not; Ctrl-C exits 0', async () => {
  const cli = `node ${cliCommand().map(shellQuote).join(' ')} status --watch --interval 0.3 --config ${shellQuote(pair.config)} --store ${shellQuote(join(pair.lab.dir, 'watch.db'))}`;
  term = openTerminal(cli);
  const first = headers(await term.waitFor('mirroring status at'))[0];
  const later = await term.waitFor(/redo [▁▂▃▄▅▆▇█]{3,}\s+\d+ KB/);
  assert.match(later, /SQLPRI01[^\n]*answered in \d+ ms/);
  assert.match(later, /Patriot\s+PRINCIPAL\s+SYNCHRONIZED[^\n]* send [▁▂▃▄▅▆▇█]+\s+\d+ KB/);
  assert.match(later, /Patriot\s+MIRROR\s+SYNCHRONIZED[^\n]* redo [▁▂▃▄▅▆▇█]+\s+\d+ KB/);
  const redrawn = headers(later);
  assert.is(redrawn.length, 1, 'one frame on screen: redrawn, not appended');
  assert.is.not(redrawn[0], first, 'a later refresh replaced the first');
  await pair.lab.cli('fault', 'SQLMIR01', 'slow', '600');
  const slow = await term.waitFor(/SQLMIR01[^\n]*slow to answer \(limit 300 ms\)/);
  assert.not.match(slow, /SQLPRI01[^\n]*slow to answer/);
  await pair.lab.cli('fault', 'SQLMIR01', 'heal');
  await waitFor('the slow note to go', () => !/slow to answer/.test(term!.screen()), 30_000);
  assert.is(headers(term.screen()).length, 1);
  term.keys('C-c');
  assert.match(await term.waitFor('EXIT='), /EXIT=0/);
});

test('piped: one JSON document per refresh, appended, each partner with its answer time', async () => {
  const watch = pair.cli(['status', '--watch', '--interval', '0.2']);
  await waitFor(
    'three refreshes',
    () =>
      watch
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{')).length >= 3,
    30_000,
  );
  watch.interrupt();
  const ended = await watch.done;
  assert.is(ended.code, 0, ended.stderr);
  const documents = ended.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { at: string; partners: { instance: string; answerMs?: number }[] });
  assert.ok(documents.length >= 3);
  assert.ok(new Set(documents.map((d) => d.at)).size === documents.length, 'each refresh its own document');
  for (const p of documents[0]!.partners) assert.type(p.answerMs, 'number', p.instance);
});

test.run();
