// What is already on the servers is checked before a change: each mirroring endpoint against the
// config and against the other partner's (RC4 on one side and AES on the other never handshake: ✗
// for a failover with the ALTER ENDPOINT that fixes it, and `run` sends nothing); each partner's copy
// of the peer's certificate is the one the peer uses, and a stale copy is ✗.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

const logLines = (instance: string): number =>
  readFileSync(join(pair.lab.dir, 'logs', `${instance}.ndjson`), 'utf8')
    .split('\n')
    .filter(Boolean).length;

test('before the setup: no endpoint yet is ✔ for setup; after it the endpoints match the config and the peer certificates agree', async () => {
  const before = await pair.mb('check', 'certificate-setup');
  assert.is(before.code, 0, before.stdout + before.stderr);
  assert.match(before.stdout, /endpoints\s+SQLPRI01\s+✔\s+no mirroring endpoint yet/);
  const setup = await pair.mb('run', 'certificate-setup', '--yes');
  assert.is(setup.code, 0, setup.stdout.slice(-1500) + setup.stderr);
  const after = await pair.mb('check', 'certificate-setup');
  assert.is(after.code, 0, after.stdout + after.stderr);
  assert.match(after.stdout, /endpoints\s+SQLMIR01\s+✔\s+\S+ on port \d+, STARTED, ROLE (ALL|PARTNER), CERTIFICATE/);
  assert.match(after.stdout, /peer-certificates\s+SQLMIR01\s+✔\s+holds SQLPRI01's \S+ \(same thumbprint\)/);
  assert.match(after.stdout, /peer-certificates\s+SQLPRI01\s+✔\s+holds SQLMIR01's \S+ \(same thumbprint\)/);
});

test('RC4 on the mirror and AES on the principal: a failover is refused with the fix; run sends nothing', async () => {
  const endpoint = (await pair.sql('SQLMIR01', 'SELECT name FROM sys.database_mirroring_endpoints'))[0]!.name as string;
  await pair.sql('SQLMIR01', `ALTER ENDPOINT [${endpoint}] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM RC4)`);
  const check = await pair.mb('check', 'failover');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(check.stdout, /endpoints\s+pair\s+✗\s+SQLPRI01 \(AES\) and SQLMIR01 \(RC4\) share no encryption algorithm/);
  assert.match(check.stdout, new RegExp(`on SQLMIR01: ALTER ENDPOINT \\[${endpoint}\\] FOR DATABASE_MIRRORING \\(ENCRYPTION = REQUIRED ALGORITHM AES\\)`));
  const lines = [logLines('SQLPRI01'), logLines('SQLMIR01')];
  const run = await pair.mb('run', 'failover', '--yes');
  assert.is(run.code, 1, run.stdout.slice(-1500) + run.stderr);
  assert.match(run.stdout, /preflight of failover:[\s\S]*endpoints\s+pair\s+✗/);
  // Only the lock and the preflight's reads reached the servers.
  const { changesServer } = await import('../../machines/statement-kind.js');
  for (const [i, instance] of ['SQLPRI01', 'SQLMIR01'].entries()) {
    const added = readFileSync(join(pair.lab.dir, 'logs', `${instance}.ndjson`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(lines[i])
      .map((l) => (JSON.parse(l) as { sql: string }).sql);
    assert.equal(
      added.filter((sql) => changesServer(sql) && !/sp_(get|release)applock/.test(sql)),
      [],
      `no change on ${instance}`,
    );
  }
});

test('a stale copy of the peer certificate (the principal recreated its own) is ✗ on the partner holding it', async () => {
  const name = (
    await pair.sql('SQLPRI01', 'SELECT c.name FROM master.sys.certificates c JOIN sys.database_mirroring_endpoints e ON e.certificate_id = c.certificate_id')
  )[0]!.name as string;
  const endpoint = (await pair.sql('SQLMIR01', 'SELECT name FROM sys.database_mirroring_endpoints'))[0]!.name as string;
  await pair.sql('SQLMIR01', `ALTER ENDPOINT [${endpoint}] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES)`);
  // The mirror's copy replaced by another certificate under the same name.
  const owner = (
    await pair.sql(
      'SQLMIR01',
      `SELECT dp.name FROM master.sys.certificates c JOIN master.sys.database_principals dp ON dp.principal_id = c.principal_id WHERE c.name = N'${name}'`,
    )
  )[0]?.name as string | undefined;
  await pair.sql(
    'SQLMIR01',
    `USE master; DROP CERTIFICATE [${name}]; CREATE CERTIFICATE [${name}] ${owner ? `AUTHORIZATION [${owner}] ` : ''}WITH SUBJECT = N'someone else', EXPIRY_DATE = '20991231'`,
  );
  const check = await pair.mb('check', 'failover');
  assert.is(check.code, 1, check.stdout + check.stderr);
  assert.match(
    check.stdout,
    new RegExp(`peer-certificates\\s+SQLMIR01\\s+✗\\s+its copy of ${name} \\(thumbprint 0x[0-9a-f]+…\\) is not the certificate SQLPRI01 uses`),
  );
  assert.match(check.stdout, /DROP CERTIFICATE/);
});

test.run();
