import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LabState } from '../../lab/model.js';
import { setPartner } from '../../lab/mirroring/set-partner.js';
import { failure } from './storage-fixture.js';
import { Clock, MIR, PRI, address, envAt, mirroredLab, mirroringLab, mirroringOf, seedMirror } from './mirroring-fixture.js';

/** Prepares everything up to the principal's SET PARTNER, breaks something, and runs it. */
async function principalSetPartner(options: Parameters<typeof mirroringLab>[0], breakIt: (lab: LabState) => void, target = address(MIR)) {
  const lab = mirroringLab(options);
  await seedMirror(lab);
  const clock = new Clock(lab);
  setPartner(envAt(lab, MIR, clock), 'Patriot', address(PRI));
  breakIt(lab);
  const f = await failure(() => setPartner(envAt(lab, PRI, clock), 'Patriot', target));
  const logged = (name: string) => lab.instances[name]!.errorLog.map((l) => l.number);
  return { lab, f, logged };
}

test('missing CONNECT on the mirror: 1418 here, 28034 in the mirror errorlog', async () => {
  const { f, logged, lab } = await principalSetPartner({}, (lab) => {
    lab.instances[MIR]!.serverPermissions = [];
  });
  assert.is(f.number, 1418);
  assert.match(f.message, `The server network address "${address(MIR)}" can not be reached or does not exist.`);
  assert.ok(logged(MIR).includes(28034));
  assert.match(
    lab.instances[MIR]!.errorLog.find((l) => l.number === 28034)!.text,
    "The login 'PRINCIPAL_login' does not have CONNECT permission on the endpoint. State 84.",
  );
  assert.is(mirroringOf(lab, PRI), null);
});

test('missing CONNECT with Windows authentication names the service account', async () => {
  const { f, lab } = await principalSetPartner({ auth: 'WINDOWS' }, (lab) => {
    lab.instances[PRI]!.serverPermissions = [];
  });
  assert.is(f.number, 1418);
  assert.match(lab.instances[PRI]!.errorLog.find((l) => l.number === 28034)!.text, 'LAB\\svc_sqlmir01');
});

test('Windows authentication with a local service account cannot log in', async () => {
  const { f, logged } = await principalSetPartner({ auth: 'WINDOWS' }, (lab) => {
    lab.instances[PRI]!.service.account = 'NT Service\\MSSQLSERVER';
  });
  assert.is(f.number, 1418);
  assert.ok(logged(MIR).includes(28048));
});

test('a stopped endpoint or a wrong port: 1418 with nobody to log it', async () => {
  const stopped = await principalSetPartner({}, (lab) => {
    lab.instances[MIR]!.endpoint!.state = 'STOPPED';
  });
  assert.is(stopped.f.number, 1418);
  const wrongPort = await principalSetPartner({}, () => {}, 'TCP://sqlmir01.lab.local:5022');
  assert.is(wrongPort.f.number, 1418);
  assert.equal(
    wrongPort.logged(MIR).filter((n) => (n ?? 0) > 28000),
    [],
  );
});

test('an expired endpoint certificate: 28023 logged by the instance that owns it', async () => {
  const { f, logged } = await principalSetPartner({}, (lab) => {
    lab.instances[PRI]!.databases.master!.certificates.PRINCIPAL_cert!.expiryDate = '2026-01-01T00:00:00.000Z';
  });
  assert.is(f.number, 1418);
  assert.ok(logged(PRI).includes(28023));
});

test('an expired imported peer certificate: 28025 on the accepting side', async () => {
  const { f, logged } = await principalSetPartner({}, (lab) => {
    lab.instances[MIR]!.databases.master!.certificates.PRINCIPAL_cert!.expiryDate = '2026-01-01T00:00:00.000Z';
  });
  assert.is(f.number, 1418);
  assert.ok(logged(MIR).includes(28025));
});

test('a certificate whose key is protected by a password is not usable by the endpoint: 28055', async () => {
  const { f, logged } = await principalSetPartner({}, (lab) => {
    lab.instances[PRI]!.databases.master!.certificates.PRINCIPAL_cert!.privateKeyEncryption = 'PW';
  });
  assert.is(f.number, 1418);
  assert.ok(logged(PRI).includes(28055));
});

test('the peer certificate was never imported: 28035 on the accepting side', async () => {
  const { f, logged } = await principalSetPartner({}, (lab) => {
    delete lab.instances[MIR]!.databases.master!.certificates.PRINCIPAL_cert;
  });
  assert.is(f.number, 1418);
  assert.ok(logged(MIR).includes(28035));
});

test('encryption DISABLED against REQUIRED, or no common algorithm: 28027', async () => {
  const disabled = await principalSetPartner({}, (lab) => {
    lab.instances[PRI]!.endpoint!.encryption = 'DISABLED';
    lab.instances[PRI]!.endpoint!.algorithms = [];
  });
  assert.is(disabled.f.number, 1418);
  assert.ok(disabled.logged(MIR).includes(28027));
  const rc4 = await principalSetPartner({}, (lab) => {
    lab.instances[MIR]!.endpoint!.algorithms = ['RC4'];
  });
  assert.is(rc4.f.number, 1418);
  assert.ok(rc4.logged(MIR).includes(28027));
});

test('the reverse connection counts too: the mirror lacks CONNECT on the principal', async () => {
  const { f, logged } = await principalSetPartner({}, (lab) => {
    lab.instances[PRI]!.serverPermissions = [];
  });
  assert.is(f.number, 1418);
  assert.ok(logged(PRI).includes(28034));
});

test('a down or isolated mirror host cannot be reached', async () => {
  const down = await principalSetPartner({}, (lab) => {
    lab.faults[MIR]!.down = true;
  });
  assert.is(down.f.number, 1418);
  const isolated = await principalSetPartner({}, (lab) => {
    lab.faults[PRI]!.isolated = true;
  });
  assert.is(isolated.f.number, 1418);
});

test('a certificate expiring during the session keeps it connected; a reconnect then fails and is logged once', async () => {
  const { lab, clock } = await mirroredLab();
  clock.advance(10_000);
  lab.instances[MIR]!.databases.master!.certificates.PRINCIPAL_cert!.expiryDate = clock.now.toISOString();
  clock.advance(5_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'SYNCHRONIZED', 'connections already up survive');
  lab.faults[MIR]!.down = true;
  clock.advance(2_000);
  lab.faults[MIR]!.down = false;
  clock.advance(5_000);
  assert.is(mirroringOf(lab, PRI)!.state, 'DISCONNECTED');
  assert.is(lab.instances[MIR]!.errorLog.filter((l) => l.number === 28025).length, 1);
});

test.run();
