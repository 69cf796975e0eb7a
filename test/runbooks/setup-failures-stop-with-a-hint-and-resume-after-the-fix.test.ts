// Failure paths of the security setup against the lab: a clear error with its hint, then a
// successful resume once the cause is fixed — a wrong endpoint port, an expired certificate.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

test('a wrong endpoint port is refused by the preflight before any change; fixing the endpoint and running again completes it', async () => {
  await pair.sql(
    'SQLMIR01',
    "USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Sabotage-Key#2026'; CREATE CERTIFICATE MIRROR_cert WITH SUBJECT = 'MIRROR', EXPIRY_DATE = '20400101'",
  );
  await pair.sql(
    'SQLMIR01',
    'CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1431) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE MIRROR_cert, ROLE = ALL)',
  );
  const failed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /endpoints\s+SQLMIR01\s+✗\s+[^\n]*listens on port 1431, the config says 1430/);
  assert.match(failed.stdout + failed.stderr, /LISTENER_PORT = 1430/);
  assert.match(failed.stderr, /preflight: \d+ check\(s\) failed/);
  await pair.sql('SQLMIR01', 'ALTER ENDPOINT Endpoint_Mirroring AS TCP (LISTENER_PORT = 1430)');
  const resumed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-2000) + resumed.stderr);
});

test('an expired peer certificate is refused by the preflight with a hint; dropping it and running again imports the current one', async () => {
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE MIRROR_cert');
  // SQL Server warns (15214, severity 16) but creates the certificate.
  await pair
    .sql(
      'SQLPRI01',
      "USE master; CREATE CERTIFICATE MIRROR_cert AUTHORIZATION MIRROR_user WITH SUBJECT = 'old', START_DATE = '20000101', EXPIRY_DATE = '20010101'",
    )
    .catch((e: { number?: number }) => {
      if (e.number !== 15214) throw e;
    });
  const failed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /MIRROR_cert/);
  assert.match(failed.stdout + failed.stderr, /certificate-dates\s+SQLPRI01\s+✗\s+MIRROR_cert expired 2001-01-01 00:00Z by SQLPRI01's clock/);
  assert.match(failed.stdout + failed.stderr, /DROP CERTIFICATE \[MIRROR_cert\]/);
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE MIRROR_cert');
  const again = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(again.code, 0, again.stdout.slice(-2000) + again.stderr);
});

test.run();
