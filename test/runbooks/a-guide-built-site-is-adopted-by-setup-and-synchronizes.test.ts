// A site built by hand from the vendor guide (`lab start --site guide`: its own statements, RC4
// endpoints, PRINCIPAL_cert / MIRROR_login …, the site's own backups in msdb). check says what
// setup will realign and the site's backup job that exists on the principal only; endpoints
// without a common algorithm are ✗ for a procedure that does not
// realign; a refused handshake (1418) is explained from the partner's error log; setup adopts the
// guide's objects instead of duplicating them, moves both endpoints to AES and synchronizes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { outcomes, startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab({ site: 'guide' });
});
test.after(async () => {
  await pair?.stop();
});

const endpoint = async (instance: string) =>
  (await pair.sql(instance, 'SELECT name, encryption_algorithm_desc AS algorithm FROM sys.database_mirroring_endpoints'))[0];

test("the guide built RC4 endpoints under its names, and the site's own backups are in msdb", async () => {
  for (const instance of ['SQLPRI01', 'SQLMIR01']) assert.equal(await endpoint(instance), { name: 'Endpoint_Mirroring', algorithm: 'RC4' });
  const history = await pair.sql(
    'SQLPRI01',
    'SELECT s.database_name, s.type, f.physical_device_name FROM msdb.dbo.backupset s JOIN msdb.dbo.backupmediafamily f ON f.media_set_id = s.media_set_id ORDER BY s.backup_set_id',
  );
  assert.equal(
    history.map((h) => `${h.database_name} ${h.type} ${h.physical_device_name}`),
    ['Patriot D E:\\Backup\\Patriot.dat', 'Patriot L E:\\Backup\\Patriot_log.dat', 'PatriotArchive D E:\\Backup\\PatriotArchive.dat'],
  );
});

test('check: setup realigns the RC4 endpoints (⚠); RC4 against AES is ✗ for enable, with the ALTER ENDPOINT that fixes it', async () => {
  const setup = await pair.mb('check', 'setup');
  assert.is(setup.code, 0, setup.stdout + setup.stderr);
  for (const instance of ['SQLPRI01', 'SQLMIR01']) {
    assert.match(
      setup.stdout,
      new RegExp(
        `endpoints\\s+${instance}\\s+⚠\\s+Endpoint_Mirroring on port 1430, STARTED, ROLE ALL, CERTIFICATE \\w+_cert, encryption RC4; the config says AES\\s+— setup realigns it`,
      ),
    );
  }
  assert.match(
    setup.stdout,
    /agent-jobs\s+SQLPRI01\s+⚠\s+jobs touching the databases: 'Patriot - nightly backup' \(enabled; Patriot, PatriotArchive\); not on SQLMIR01[^\n]*— msdb is not mirrored/,
  );
  assert.match(setup.stdout, /agent-jobs\s+SQLMIR01\s+✔\s+no SQL Agent job touches the configured databases/);
  await pair.sql('SQLMIR01', 'ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES)');
  const enable = await pair.mb('check', 'enable');
  assert.is(enable.code, 1, enable.stdout);
  assert.match(
    enable.stdout,
    /endpoints\s+pair\s+✗\s+SQLPRI01 \(RC4\) and SQLMIR01 \(AES\) share no encryption algorithm: their handshake fails \(28027\)[^\n]*— on SQLPRI01: ALTER ENDPOINT \[Endpoint_Mirroring\] FOR DATABASE_MIRRORING \(ENCRYPTION = REQUIRED ALGORITHM AES\)/,
  );
  await pair.sql('SQLMIR01', 'ALTER ENDPOINT Endpoint_Mirroring FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM RC4)');
});

test("a refused handshake: setup stops at SET PARTNER with the reason the mirror's error log gives (28034), then resumes to SYNCHRONIZED on AES", async () => {
  // A hardening script denied CONNECT on the endpoint to public: PRINCIPAL_login keeps its GRANT
  // (so setup finds its grant done), but the DENY to public wins over it.
  await pair.sql('SQLMIR01', 'USE master; DENY CONNECT ON ENDPOINT::Endpoint_Mirroring TO public');
  const run = await pair.mb('run', 'setup', '--yes');
  assert.is(run.code, 1, run.stdout.slice(-3000) + run.stderr);
  const said = run.stdout + run.stderr;
  assert.match(said, /1418/);
  assert.match(
    said,
    /the mirror's error log says \(28034\): Database Mirroring login attempt by user 'PRINCIPAL_login\.' failed with error: 'Connection handshake failed\. The login 'PRINCIPAL_login' does not have CONNECT permission on the endpoint\. State 84\.'/,
  );
  assert.match(said, /GRANT CONNECT ON ENDPOINT/);
  const steps = outcomes(run.stdout);
  for (const adopted of [
    'principal.master-key',
    'principal.certificate',
    'principal.endpoint',
    'mirror.endpoint',
    'principal.user.MIRROR_user',
    'mirror.connect.PRINCIPAL_login',
  ])
    assert.is(steps.get(adopted), 'already done', adopted);
  for (const realigned of ['principal.endpoint-encryption', 'mirror.endpoint-encryption']) assert.is(steps.get(realigned), 'done', realigned);
  assert.is(steps.get('principal.endpoint-encryption-live'), 'already done', 'no session ran: nothing to confirm');

  await pair.sql('SQLMIR01', 'USE master; REVOKE CONNECT ON ENDPOINT::Endpoint_Mirroring FROM public');
  const resumed = await pair.mb('resume', '--yes');
  assert.is(resumed.code, 0, resumed.stdout.slice(-3000) + resumed.stderr);
  for (const d of ['Patriot', 'PatriotArchive']) await pair.waitFor('SQLMIR01', d, 'SYNCHRONIZED', 'MIRROR');
  for (const instance of ['SQLPRI01', 'SQLMIR01']) {
    assert.equal(await endpoint(instance), { name: 'Endpoint_Mirroring', algorithm: 'AES' });
    const certificates = await pair.sql(instance, "SELECT name FROM master.sys.certificates WHERE name LIKE '%[_]cert' ORDER BY name");
    assert.equal(
      certificates.map((c) => c.name),
      ['MIRROR_cert', 'PRINCIPAL_cert'],
      "the guide's certificates were adopted, not duplicated",
    );
  }
});

test.run();
