// Failure paths of the security setup against the lab: a clear error with its hint before anything
// changes, then a successful run once the cause is fixed — a wrong endpoint port, an expired certificate.
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

test('a wrong endpoint port on the mirror is refused by the preflight before anything is created on the principal; fixing the endpoint, the run completes', async () => {
  await pair.sql('SQLMIR01', "USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Sabotage-Key#2026'; CREATE CERTIFICATE MIRROR_cert WITH SUBJECT = 'MIRROR', EXPIRY_DATE = '20400101'");
  await pair.sql('SQLMIR01', 'CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1431) FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE MIRROR_cert, ROLE = ALL)');
  const failed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /endpoints\s+SQLMIR01\s+✗\s+.*port 1431, TCP:\/\/\S+ says 1430/);
  assert.match(failed.stdout + failed.stderr, /ALTER ENDPOINT \[Endpoint_Mirroring\] AS TCP \(LISTENER_PORT = 1430\)/);
  const keys = await pair.sql('SQLPRI01', "SELECT name FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##'");
  assert.is(keys.length, 0, 'nothing was created on the principal');
  await pair.sql('SQLMIR01', 'ALTER ENDPOINT Endpoint_Mirroring AS TCP (LISTENER_PORT = 1430)');
  const again = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(again.code, 0, again.stdout.slice(-2000) + again.stderr);
});

test('an expired peer certificate is refused by the preflight with a hint; dropping it and running again imports the current one', async () => {
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE MIRROR_cert');
  // SQL Server warns (15214, severity 16) but creates the certificate.
  await pair.sql('SQLPRI01', "USE master; CREATE CERTIFICATE MIRROR_cert AUTHORIZATION MIRROR_user WITH SUBJECT = 'old', START_DATE = '20000101', EXPIRY_DATE = '20010101'").catch((e: { number?: number }) => {
    if (e.number !== 15214) throw e;
  });
  const failed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(failed.code, 1, failed.stdout.slice(-2000));
  assert.match(failed.stdout + failed.stderr, /MIRROR_cert/);
  assert.match(failed.stdout + failed.stderr, /certificate-dates\s+SQLPRI01\s+✗\s+MIRROR_cert: valid 2000-01-01 to 2001-01-01/);
  assert.match(failed.stdout + failed.stderr, /DROP CERTIFICATE \[MIRROR_cert\]/);
  await pair.sql('SQLPRI01', 'USE master; DROP CERTIFICATE MIRROR_cert');
  const again = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(again.code, 0, again.stdout.slice(-2000) + again.stderr);
});

test.run();
