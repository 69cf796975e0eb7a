// `lab start --version 2008R2` used to give a config that failed at step 11 (CERTENCODED is 2012+):
// the preflight says so before the first change, and the file exchange is the way out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab({ version: '2008R2' });
});
test.after(async () => {
  await pair?.stop();
});

test('check setup on 2008 R2: ✗ CERTENCODED needs 2012 with the fix; run setup sends no change; auth.exchange: file passes', async () => {
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(
    check.stdout,
    /version-edition\s+SQLPRI01\s+✗\s+SQL Server 2008 R2 \(10\.50\.\S+\) .*CERTENCODED \(auth\.exchange: binary\) needs SQL Server 2012 or later\s+— set auth\.exchange: file/,
  );
  const run = await pair.mb('run', 'setup', '--yes', '--confirm', 'SQLMIR01');
  assert.is(run.code, 1);
  const keys = await pair.sql('SQLPRI01', "SELECT name FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'");
  assert.is(keys.length, 0, 'nothing was created');
  writeFileSync(pair.config, `${readFileSync(pair.config, 'utf8')}auth:\n  mode: certificate\n  exchange: file\n`);
  const fixed = await pair.mb('check', 'setup');
  assert.not.match(fixed.stdout, /version-edition\s+\S+\s+✗/);
});

test.run();
