// Standard Edition mirrors in high-safety mode only (SAFETY OFF answers 1473): on a Standard pair
// set up with SAFETY FULL, `set-safety-off` is refused by its preflight before any change is sent,
// and the session stays FULL and SYNCHRONIZED.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab({ edition: 'Standard' });
  const setup = await pair.mb('run', 'setup', '--yes');
  if (setup.code !== 0) throw new Error(setup.stdout.slice(-2000) + setup.stderr);
});
test.after(async () => {
  await pair?.stop();
});

test('set-safety-off on a Standard pair: ✗ in check naming the edition, the run sends no change, the session stays FULL', async () => {
  const check = await pair.mb('check', 'set-safety-off');
  assert.is(check.code, 1, check.stdout + check.stderr);
  for (const instance of ['SQLPRI01', 'SQLMIR01']) {
    assert.match(
      check.stdout,
      new RegExp(`version-edition\\s+${instance}\\s+✗\\s+.*Standard Edition mirrors with SAFETY FULL only\\s+— keep the session in SAFETY FULL`),
    );
  }
  const run = await pair.mb('run', 'set-safety-off', '--yes');
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /preflight: \d+ check\(s\) failed/);
  const audit = await pair.mb('audit', '--format', 'ndjson');
  const sent = audit.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; sql: string | null });
  assert.not.ok(
    sent.some((r) => r.kind === 'statement' && /SAFETY OFF/.test(r.sql ?? '')),
    'no SET PARTNER SAFETY OFF was sent',
  );
  const rows = await pair.sql(
    'SQLPRI01',
    'SELECT mirroring_safety_level_desc AS safety, mirroring_state_desc AS state FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL',
  );
  assert.is(rows.length, 2);
  for (const row of rows) {
    assert.is(row.safety, 'FULL');
    assert.is(row.state, 'SYNCHRONIZED');
  }
});

test.run();
