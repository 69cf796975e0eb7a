// TLS you can trust, and RC4 only when asked for: the config `lab start` writes verifies the lab's
// certificate (caFile, by the name in it); a CA that did not sign the server's certificate is
// refused; trustServerCertificate / encrypt: false are ⚠ at check and at the start of a run;
// a listener on the principal's address presenting its own certificate for the lab's name (a man in
// the middle) gets no login and no password; caFile with trustServerCertificate is a config error.
// RC4 with allowRc4 works and is flagged.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { startTdsListener } from '../../lab/tds/listener.js';
import type { LoginRequest } from '../../lab/tds/handler.js';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';

let pair: PairLab;
let original: string;
test.before(async () => {
  pair = await startPairLab();
  original = readFileSync(pair.config, 'utf8');
});
test.after(async () => {
  writeFileSync(pair.config, original);
  await pair?.stop();
});

const edit = (change: (text: string) => string): void => writeFileSync(pair.config, change(original));

test('the written config verifies the lab certificate by its name: no ⚠ for TLS, every server ✔', async () => {
  assert.match(original, /caFile: tls-cert\.pem/);
  assert.match(original, /server: localhost/);
  assert.not.match(original, /trustServerCertificate/);
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 0, check.stdout + check.stderr);
  assert.not.match(check.stdout, /^tls/m);
  assert.match(check.stdout, /reachable\s+SQLPRI01\s+✔/);
});

test('a CA that did not sign the server certificate (a man in the middle) is refused before any change', async () => {
  const otherCa = '/etc/ssl/certs/ca-certificates.crt';
  if (!existsSync(otherCa)) throw new Error(`${otherCa} is needed for this test`);
  edit((t) => t.replaceAll('caFile: tls-cert.pem', `caFile: ${otherCa}`));
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /reachable\s+SQLPRI01\s+✗\s+cannot connect to the principal SQLPRI01/);
  const run = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(run.code, 1, run.stdout + run.stderr);
  const keys = await pair.sql('SQLPRI01', "SELECT name FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'");
  assert.is(keys.length, 0, 'nothing was created');
});

test("a man in the middle on the principal's address with its own certificate for the lab's name is refused: no login reaches it, nothing is sent", async () => {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/tls/${name}`, import.meta.url), 'utf8');
  const logins: LoginRequest[] = [];
  const impostor = await startTdsListener({
    port: 0,
    serverName: 'SQLPRI01',
    tls: { key: fixture('impostor-key.pem'), cert: fixture('impostor-cert.pem') },
    handler: {
      login: (request) => {
        logins.push(request);
        return { ok: false, error: { number: 18456, state: 1, class: 14, message: 'captured', line: 1 } };
      },
      execute: async () => {
        throw new Error('the impostor got a batch');
      },
      transaction: () => undefined,
      disconnect: () => {},
    },
  });
  try {
    const principalPort = /principal:[\s\S]*?port: (\d+)/.exec(original)![1]!;
    edit((t) => t.replace(`port: ${principalPort}`, `port: ${impostor.port}`));
    const check = await pair.mb('check', 'setup');
    assert.is(check.code, 1, check.stdout + check.stderr);
    assert.match(check.stdout, /reachable\s+SQLPRI01\s+✗\s+cannot connect to the principal SQLPRI01/);
    const run = await pair.mb('run', 'certificate-setup', '--yes');
    assert.is(run.code, 1, run.stdout + run.stderr);
    assert.equal(logins, [], 'no login (no password) reached the impostor');
    const keys = await pair.sql('SQLMIR01', "SELECT name FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'");
    assert.is(keys.length, 0, 'nothing was created on the mirror either');
  } finally {
    await impostor.close();
  }
});

test('trustServerCertificate: true and encrypt: false are ⚠ at check and at the start of a run', async () => {
  edit((t) =>
    t.replace('caFile: tls-cert.pem', 'trustServerCertificate: true').replace(/(mirror:[\s\S]*?)encrypt: true\n\s*caFile: tls-cert.pem/, '$1encrypt: false'),
  );
  const check = await pair.mb('check', 'failover');
  assert.match(check.stdout, /tls\s+SQLPRI01\s+⚠\s+pair\.principal\.trustServerCertificate: true/);
  assert.match(check.stdout, /tls\s+SQLMIR01\s+⚠\s+pair\.mirror\.encrypt: false/);
  const run = await pair.mb('run', 'failover', '--json');
  const first = JSON.parse(run.stdout.split('\n')[0]!) as { type: string; findings: { check: string; verdict: string }[] };
  assert.is(first.type, 'preflight');
  assert.is(first.findings.filter((f) => f.check === 'tls' && f.verdict === 'warn').length, 2);
});

test('caFile together with trustServerCertificate: true is a config error naming the file (exit 2)', async () => {
  edit((t) => t.replace('caFile: tls-cert.pem', 'caFile: tls-cert.pem\n    trustServerCertificate: true'));
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 2, check.stdout + check.stderr);
  assert.match(check.stderr, /pair\.principal\.trustServerCertificate: true together with caFile \S*tls-cert\.pem/);
});

test('RC4 without allowRc4 is exit 2 naming the key; with it the setup works and the run start flags it', async () => {
  edit((t) => `${t}endpoint:\n  algorithm: RC4\n`);
  const refused = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /endpoint\.algorithm: RC4 uses RC4[\s\S]*endpoint\.allowRc4: true/);
  edit((t) => `${t}endpoint:\n  algorithm: RC4\n  allowRc4: true\n`);
  const run = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /config\s+config\s+⚠\s+endpoint\.algorithm RC4: RC4 is deprecated/);
  const endpoints = await pair.sql('SQLMIR01', 'SELECT encryption_algorithm_desc AS a FROM sys.database_mirroring_endpoints');
  assert.is(endpoints[0]?.a, 'RC4');
});

test.run();
