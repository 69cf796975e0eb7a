// "Patriott" and "Pаtriot" (Cyrillic а, U+0430) are found before the first change: `check` shows
// the code point and the near name, and `run setup` sends nothing but reads.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { setupRefusedWithNoChange, startPairLab, type PairLab } from '../runbooks/pair-lab.js';

let pair: PairLab;
let original: string;
test.before(async () => {
  pair = await startPairLab();
  original = readFileSync(pair.config, 'utf8');
});
test.after(async () => {
  await pair?.stop();
});

function withDatabases(names: string[]): void {
  writeFileSync(pair.config, `${original}databases:\n${names.map((n) => `  - "${n}"`).join('\n')}\n`);
}

for (const [label, name, shown] of [
  ['misspelt', 'Patriott', /no database 'Patriott'; there is 'Patriot'/],
  ['homoglyph', 'P\u0430triot', /no database 'P\u0430triot' \(non-ASCII: U\+0430 at 2\); there is 'Patriot'/],
] as const) {
  test(`a ${label} database name: check shows it ✗ with the near name; run setup is refused and sends no change`, async () => {
    withDatabases([name, 'PatriotArchive']);
    const check = await pair.mb('check', 'setup');
    assert.is(check.code, 1, check.stdout + check.stderr);
    assert.match(check.stdout, shown);
    assert.match(check.stdout, /database\s+SQLPRI01\s+✗/);
    const json = await pair.mb('check', 'setup', '--json');
    const findings = (JSON.parse(json.stdout) as { findings: { check: string; verdict: string; found: string }[] }).findings;
    assert.ok(findings.some((f) => f.check === 'database' && f.verdict === 'fail' && f.found.includes(name)));

    await setupRefusedWithNoChange(pair);
    const keys = await pair.sql('SQLPRI01', "SELECT name FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'");
    assert.is(keys.length, 0);
  });
}

test('the right names pass the check (✔ rows, exit 0)', async () => {
  withDatabases(['Patriot', 'PatriotArchive']);
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, /database\s+SQLPRI01\s+✔\s+'Patriot' ONLINE/);
  assert.match(check.stdout, /reachable\s+SQLMIR01\s+✔/);
});

test.run();
