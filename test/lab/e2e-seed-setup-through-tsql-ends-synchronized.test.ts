// Issue point 7: the seed's non-domain setup T-SQL, run through FreeTDS tsql against the lab
// process (certificates exchanged as files over UNC), then backups, restores and SET PARTNER on both
// databases, ending SYNCHRONIZED.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runTsql, startTestLab, type TestLab } from '../helpers/lab.js';
import { backupScript, restoreScript, seedContextFromLab, seedScripts, setPartnerScript, DATABASES, type SeedContext } from '../fixtures/lab/seed-scripts.js';
import { connect, quickBackups, waitForState, type Session } from '../fixtures/lab/pair.js';

let lab: TestLab;
let context: SeedContext;

/** tsql, like sqlcmd, ends a batch at a `go` line; it prints every message as "Msg N (severity S,
 * state T)" — informational ones (4035, 3014 …) with severity ≤ 10, errors with 11 and above. */
async function tsql(instance: string, script: string): Promise<string> {
  const input = script.replace(/^\s*GO\s*$/gim, 'go');
  const result = await runTsql(lab.instance(instance), lab.password(instance), input, 'request');
  const output = result.stdout + result.stderr;
  assert.not.match(output, /Msg \d+ \(severity (1[1-9]|2\d)/, `${instance} answered with an error:\n${output}`);
  return output;
}

test.before(async () => {
  lab = await startTestLab();
  await quickBackups(lab);
  context = seedContextFromLab(lab.dir);
});

test('Principal Endpoint and Mirror Endpoint: master key, certificate, endpoint, certificate file', async () => {
  const scripts = seedScripts(context);
  await tsql('SQLPRI01', scripts.principalEndpoint);
  await tsql('SQLMIR01', scripts.mirrorEndpoint);
});

test('Principal User and Mirror User: the peer certificate is read from the other host over UNC', async () => {
  const scripts = seedScripts(context);
  assert.match(scripts.mirrorUser, /FROM FILE = '\\\\SQLPRI01\\Backup\\PRINCIPAL_cert\.cer'/);
  await tsql('SQLPRI01', scripts.principalUser);
  await tsql('SQLMIR01', scripts.mirrorUser);
});

test("the imported certificates are the peers' certificates (same thumbprint, no private key)", async () => {
  const output = await tsql('SQLMIR01', `SELECT name, pvt_key_encryption_type FROM master.sys.certificates WHERE name LIKE '%_cert'\ngo\n`);
  assert.match(output, /PRINCIPAL_cert\s+NA/);
  assert.match(output, /MIRROR_cert\s+MK/);
  const thumbprint = async (instance: string) => {
    const session = await connect(lab, instance);
    const rows = await session.run("SELECT thumbprint FROM master.sys.certificates WHERE name = 'PRINCIPAL_cert'");
    await session.close();
    return (rows[0]!.thumbprint as Buffer).toString('hex');
  };
  assert.is(await thumbprint('SQLMIR01'), await thumbprint('SQLPRI01'));
});

test('backups on the principal, restores WITH NORECOVERY on the mirror over the share', async () => {
  await tsql('SQLPRI01', backupScript(context));
  await tsql('SQLMIR01', restoreScript(context));
  const output = await tsql('SQLMIR01', `SELECT name, state_desc FROM sys.databases WHERE name LIKE 'Patriot%'\ngo\n`);
  assert.match(output, /Patriot\s+RESTORING/);
  assert.match(output, /PatriotArchive\s+RESTORING/);
});

test('SET PARTNER on the mirror, then on the principal: both databases reach SYNCHRONIZED', async () => {
  await tsql('SQLMIR01', setPartnerScript(context.principalAddress));
  await tsql('SQLPRI01', setPartnerScript(context.mirrorAddress));
  const principal: Session = await connect(lab, 'SQLPRI01');
  const mirror: Session = await connect(lab, 'SQLMIR01');
  try {
    for (const database of DATABASES) {
      const p = await waitForState(principal, database, 'SYNCHRONIZED');
      assert.is(p.mirroring_role_desc, 'PRINCIPAL');
      assert.is(p.mirroring_safety_level_desc, 'FULL');
      assert.is(String(p.mirroring_partner_name).toUpperCase(), context.mirrorAddress.toUpperCase());
      const m = await waitForState(mirror, database, 'SYNCHRONIZED');
      assert.is(m.mirroring_role_desc, 'MIRROR');
    }
  } finally {
    await principal.close();
    await mirror.close();
  }
});

test.after(async () => {
  await lab?.stop();
});
test.run();
