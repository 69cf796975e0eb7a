// The 2 a.m. mistake: the config's principal points at the mirror's port. mirrorbook checks
// @@SERVERNAME on connect and refuses before sending a single change.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

test('a principal entry that reaches SQLMIR01 is refused, naming both servers', async () => {
  const text = readFileSync(pair.config, 'utf8');
  const mirrorPort = pair.lab.instance('SQLMIR01').port;
  const principalPort = pair.lab.instance('SQLPRI01').port;
  // Copied from the mirror's entry: its port and its password file.
  writeFileSync(
    pair.config,
    text.replace(`port: ${principalPort}`, `port: ${mirrorPort}`).replace('credentials/SQLPRI01.password', 'credentials/SQLMIR01.password'),
  );
  const run = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout + run.stderr, /is SQLMIR01, but pair\.principal\.instance says SQLPRI01/);
  const keys = await pair.sql('SQLMIR01', "SELECT name FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'");
  assert.is(keys.length, 0, 'nothing may have been created');
  writeFileSync(pair.config, text);
});

test('a config error exits 2 before any connection, naming the field', async () => {
  const text = readFileSync(pair.config, 'utf8');
  writeFileSync(pair.config, text + 'endpoint: { port: 99999 }\n');
  const run = await pair.mb('status');
  assert.is(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /endpoint\.port: expected an integer 1024–32767/);
  writeFileSync(pair.config, text);
});

test.run();
