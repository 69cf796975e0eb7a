// A partner that cannot be reached is named with the reason an operator can act on — the login
// refused (18456), nothing on the port, a host name DNS does not know, TLS not accepted — each
// with its own hint, against real driver errors from the lab.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../config/load.js';
import { ConnectionError, PairConnections } from '../../steps/connection.js';
import { startTestLab, type TestLab } from '../helpers/lab.js';

type Partner = Record<string, unknown>;
let lab: TestLab;
test.before(async () => {
  lab = await startTestLab({ inProcess: true });
});
test.after(async () => {
  await lab?.stop();
});

async function failure(change: (principal: Partner) => void): Promise<ConnectionError> {
  const raw = parse(readFileSync(join(lab.dir, 'mirrorbook.yaml'), 'utf8')) as { pair: { principal: Partner } };
  change(raw.pair.principal);
  const path = join(lab.dir, 'case.yaml');
  writeFileSync(path, stringify(raw));
  const connections = new PairConnections(loadConfig(path, { env: {} }));
  try {
    await connections.pool('principal');
  } catch (error) {
    assert.instance(error, ConnectionError);
    return error as ConnectionError;
  } finally {
    await connections.close();
  }
  throw new Error('connected');
}

test('wrong login: 18456, the server is up, check the login and its password', async () => {
  const e = await failure((p) => {
    p.login = 'nobody';
  });
  assert.match(e.message, /SQLPRI01 refused the login nobody \(error 18456\)/);
  assert.match(e.hint, /pair\.principal\.login and its password source/);
  assert.is(e.unreachable, false);
});

test('a port nothing listens on: refused, check the instance runs and the port', async () => {
  const e = await failure((p) => {
    p.port = 1;
  });
  assert.match(e.message, /nothing accepts connections on localhost:1 \(connection refused\)/);
  assert.match(e.hint, /nothing listens on port 1 .*pair\.principal\.port/);
  assert.is(e.unreachable, true);
});

test('an unknown host: DNS, check the server name', async () => {
  const e = await failure((p) => {
    p.server = 'sqlpri01.no-such-domain.invalid';
  });
  assert.match(e.message, /the host name sqlpri01\.no-such-domain\.invalid is not known \(DNS\)/);
  assert.match(e.hint, /pair\.principal\.server/);
});

test('a certificate not trusted: TLS, give caFile or trust it knowingly', async () => {
  // The lab's config verifies its certificate with caFile: without it, nothing vouches for it.
  const e = await failure((p) => {
    delete p.caFile;
    p.trustServerCertificate = false;
  });
  assert.match(e.message, /TLS with localhost:\d+ failed: .*certificate/);
  assert.match(e.hint, /pair\.principal\.caFile/);
});

test.run();
