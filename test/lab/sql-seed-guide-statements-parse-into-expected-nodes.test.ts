import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Statement } from '../../lab/sql/ast.js';
import { parseBatch } from '../../lab/sql/parse.js';
import { MIRROR_ENDPOINT, MIRROR_USER, PRINCIPAL_ENDPOINT, PRINCIPAL_USER, splitOnGo } from '../fixtures/sql/seed-guide.js';

const parseScript = (script: string): Statement[][] => splitOnGo(script).map((b) => parseBatch(b.sql));

test('principal endpoint script: master key, USE + certificate, endpoint, certificate backup', () => {
  assert.equal(parseScript(PRINCIPAL_ENDPOINT), [
    [{ kind: 'createMasterKey', line: 1, password: 'Patriot12##' }],
    [
      { kind: 'use', line: 1, database: 'master' },
      {
        kind: 'createCertificate',
        line: 2,
        name: 'PRINCIPAL_cert',
        source: { kind: 'new', subject: 'PRINCIPAL certificate', startDate: '11/25/2026', expiryDate: '11/25/2046' },
      },
    ],
    [
      {
        kind: 'createEndpoint',
        line: 1,
        name: 'Endpoint_Mirroring',
        state: 'STARTED',
        tcp: { port: 1430, ip: 'ALL' },
        mirroring: {
          authentication: [{ kind: 'CERTIFICATE', certificate: 'PRINCIPAL_cert' }],
          encryption: { mode: 'REQUIRED', algorithms: ['RC4'] },
          role: 'ALL',
        },
      },
    ],
    [{ kind: 'backupCertificate', line: 1, name: 'PRINCIPAL_cert', file: 'C:\\Temp\\PRINCIPAL_cert.cer' }],
  ]);
});

test('mirror endpoint script names the mirror certificate throughout', () => {
  const batches = parseScript(MIRROR_ENDPOINT);
  assert.equal(batches[1]![1], {
    kind: 'createCertificate',
    line: 2,
    name: 'MIRROR_cert',
    source: { kind: 'new', subject: 'MIRROR certificate', startDate: '11/25/2026', expiryDate: '11/25/2046' },
  });
  const endpoint = batches[2]![0]!;
  assert.is(
    endpoint.kind === 'createEndpoint' && endpoint.mirroring.authentication?.[0]?.kind === 'CERTIFICATE' && endpoint.mirroring.authentication[0].certificate,
    'MIRROR_cert',
  );
  assert.equal(batches[3], [{ kind: 'backupCertificate', line: 1, name: 'MIRROR_cert', file: 'C:\\Temp\\MIRROR_cert.cer' }]);
});

test('principal user script: login, user, imported certificate, CONNECT on the endpoint', () => {
  assert.equal(parseScript(PRINCIPAL_USER), [
    [
      { kind: 'use', line: 1, database: 'master' },
      { kind: 'createLogin', line: 2, name: 'MIRROR_login', source: { kind: 'password', password: 'Patriot12##', options: {} } },
    ],
    [{ kind: 'createUser', line: 1, name: 'MIRROR_user', source: { kind: 'login', login: 'MIRROR_login' } }],
    [
      {
        kind: 'createCertificate',
        line: 1,
        name: 'MIRROR_cert',
        authorization: 'MIRROR_user',
        source: { kind: 'file', path: 'C:\\Temp\\MIRROR_cert.cer' },
      },
    ],
    [
      {
        kind: 'permission',
        line: 1,
        action: 'GRANT',
        permissions: ['CONNECT'],
        on: { class: 'ENDPOINT', name: ['Endpoint_Mirroring'] },
        principals: ['MIRROR_login'],
        withGrantOption: false,
        grantOptionFor: false,
        cascade: false,
      },
    ],
  ]);
});

test('mirror user script grants the principal login', () => {
  const batches = parseScript(MIRROR_USER);
  assert.equal(batches[0]![1], { kind: 'createLogin', line: 2, name: 'PRINCIPAL_login', source: { kind: 'password', password: 'Patriot12##', options: {} } });
  const grant = batches[3]![0]!;
  assert.is(grant.kind === 'permission' && grant.principals[0], 'PRINCIPAL_login');
});

test('the whole script sent as one batch stops at the first GO, on its line', () => {
  for (const script of [PRINCIPAL_ENDPOINT, PRINCIPAL_USER]) {
    try {
      parseBatch(script);
      assert.unreachable('GO must not be accepted');
    } catch (error) {
      const e = error as { number: number; class: number; message: string; line: number };
      assert.is(e.number, 102);
      assert.is(e.class, 15);
      assert.is(e.message, "Incorrect syntax near 'GO'.");
      assert.is(e.line, script.split('\n').findIndex((l) => l === 'GO') + 1);
    }
  }
});

test.run();
