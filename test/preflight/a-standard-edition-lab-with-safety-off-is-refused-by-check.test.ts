// Standard Edition mirrors in high-safety mode only: `safety: OFF` on a Standard pair used to fail
// after 34 steps (1473); the preflight refuses it before the first change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab({ edition: 'Standard' });
});
test.after(async () => {
  await pair?.stop();
});

test('check setup with safety OFF on Standard: ✗ on both partners with the fix; the config warning is ⚠; FULL passes', async () => {
  const original = readFileSync(pair.config, 'utf8');
  writeFileSync(pair.config, `${original}safety: OFF\n`);
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1, check.stdout + check.stderr);
  for (const instance of ['SQLPRI01', 'SQLMIR01']) {
    assert.match(check.stdout, new RegExp(`version-edition\\s+${instance}\\s+✗\\s+.*Standard Edition mirrors with SAFETY FULL only\\s+— set safety: FULL`));
  }
  assert.match(check.stdout, /config\s+config\s+⚠\s+safety OFF \(high performance\) allows data loss/);
  const run = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  assert.is(run.code, 1);
  assert.match(run.stderr, /preflight: \d+ check\(s\) failed/);
  writeFileSync(pair.config, original);
  const full = await pair.mb('check', 'setup');
  assert.is(full.code, 0, full.stdout);
});

test.run();
