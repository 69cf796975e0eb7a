// Issue point 7: the lab's state survives `lab stop` + `lab start` — security objects, backups,
// restored copies and the mirroring session, on the same ports with the same passwords.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestLab, type TestLab } from '../helpers/lab.js';
import { connect, connectPair, quickBackups, setUpMirroring, waitForState } from '../fixtures/lab/pair.js';

let lab: TestLab;
let ports: number[];

test('set up mirroring, then stop the lab', async () => {
  lab = await startTestLab();
  await quickBackups(lab);
  const pair = await connectPair(lab);
  await setUpMirroring(pair);
  await pair.close();
  ports = (await lab.status()).instances.map((i) => i.port);
  const stopped = await lab.cli('stop');
  assert.is(stopped.code, 0, stopped.stderr);
});

test('lab start brings back the same instances, objects and session', async () => {
  const started = await lab.cli('start');
  assert.is(started.code, 0, started.stderr);
  assert.equal(
    (await lab.status()).instances.map((i) => i.port),
    ports,
  );
  const principal = await connect(lab, 'SQLPRI01');
  const mirror = await connect(lab, 'SQLMIR01');
  try {
    const certs = await principal.run("SELECT name FROM master.sys.certificates WHERE name IN ('PRINCIPAL_cert', 'MIRROR_cert') ORDER BY name");
    assert.equal(
      certs.map((r) => r.name),
      ['MIRROR_cert', 'PRINCIPAL_cert'],
    );
    const endpoint = await mirror.run('SELECT name, state_desc FROM sys.database_mirroring_endpoints');
    assert.equal(endpoint[0], { name: 'Endpoint_Mirroring', state_desc: 'STARTED' });
    const backups = await principal.run("SELECT COUNT(*) AS n FROM msdb.dbo.backupset WHERE database_name = 'Patriot'");
    assert.ok(Number(backups[0]?.n) >= 2);
    for (const database of ['Patriot', 'PatriotArchive']) {
      assert.is((await waitForState(principal, database, 'SYNCHRONIZED')).mirroring_role_desc, 'PRINCIPAL');
      assert.is((await waitForState(mirror, database, 'SYNCHRONIZED')).mirroring_role_desc, 'MIRROR');
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
