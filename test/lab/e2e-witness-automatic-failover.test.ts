// With a witness (lab start --witness): certificates for all three, SET WITNESS, then the principal
// goes down and the mirror takes over automatically; the old principal returns as the mirror.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestLab, waitFor, type TestLab } from '../helpers/lab.js';
import { connect, connectPair, mirroringState, quickBackups, setUpMirroring, waitForState, type Pair, type Session } from '../fixtures/lab/pair.js';

let lab: TestLab;
let pair: Pair;
let witness: Session;
const WITNESS_ADDRESS = 'TCP://sqlwit01.lab.local:1430';

/** On `session`: a login, user and certificate (read over UNC) for a peer, with CONNECT on the endpoint. */
function trustPeer(peer: string, peerHost: string, password: string): string {
  return `USE master;
CREATE LOGIN ${peer}_login WITH PASSWORD = '${password}';
GO
CREATE USER ${peer}_user FOR LOGIN ${peer}_login;
GO
CREATE CERTIFICATE ${peer}_cert AUTHORIZATION ${peer}_user FROM FILE = '\\\\${peerHost}\\Backup\\${peer}_cert.cer'
GO
GRANT CONNECT ON ENDPOINT::Endpoint_Mirroring TO [${peer}_login];
GO
`;
}

test.before(async () => {
  lab = await startTestLab({ witness: true });
  await quickBackups(lab);
  pair = await connectPair(lab);
  await setUpMirroring(pair);
  witness = await connect(lab, 'SQLWIT01');
});

test('the witness gets its certificate and endpoint; all three trust each other', async () => {
  const c = pair.context;
  const backupDir = (await witness.run("SELECT CAST(SERVERPROPERTY('InstanceDefaultBackupPath') AS nvarchar(400)) AS dir"))[0]?.dir ?? c.mirrorBackupDir;
  await witness.script(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = '${c.masterKeyPassword}';
GO
USE master
CREATE CERTIFICATE WITNESS_cert WITH SUBJECT = 'WITNESS certificate', START_DATE = '20200101', EXPIRY_DATE = '20400101'
GO
CREATE ENDPOINT Endpoint_Mirroring STATE = STARTED AS TCP (LISTENER_PORT = 1430, LISTENER_IP = ALL)
FOR DATABASE_MIRRORING (AUTHENTICATION = CERTIFICATE WITNESS_cert, ENCRYPTION = REQUIRED ALGORITHM RC4, ROLE = WITNESS);
GO
BACKUP CERTIFICATE WITNESS_cert TO FILE = '${String(backupDir)}\\WITNESS_cert.cer';
GO
`);
  await witness.script(trustPeer('PRINCIPAL', 'SQLPRI01', c.endpointLoginPassword));
  await witness.script(trustPeer('MIRROR', 'SQLMIR01', c.endpointLoginPassword));
  await pair.principal.script(trustPeer('WITNESS', 'SQLWIT01', c.endpointLoginPassword));
  await pair.mirror.script(trustPeer('WITNESS', 'SQLWIT01', c.endpointLoginPassword));
});

test('SET WITNESS on the principal: the witness is CONNECTED on both partners', async () => {
  await pair.principal.run(`USE master; ALTER DATABASE Patriot SET WITNESS = '${WITNESS_ADDRESS}'`);
  for (const session of [pair.principal, pair.mirror]) {
    await waitFor('the witness to connect', async () => {
      const rows = await session.run("SELECT mirroring_witness_state_desc AS w FROM sys.database_mirroring WHERE database_id = DB_ID('Patriot')");
      return rows[0]?.w === 'CONNECTED';
    });
  }
  const seen = await witness.run('SELECT database_name, principal_server_name, mirror_server_name FROM sys.database_mirroring_witnesses');
  assert.equal(
    seen.map((r) => r.database_name),
    ['Patriot'],
  );
});

test('principal down: the mirror becomes PRINCIPAL on its own', async () => {
  // The shortest partner timeout there is (5 s, not the default 10): how long is not what this proves.
  await pair.principal.run('ALTER DATABASE Patriot SET PARTNER TIMEOUT 5');
  await pair.close();
  await lab.cli('fault', 'SQLPRI01', 'down');
  const mirror = await connect(lab, 'SQLMIR01');
  const row = await waitFor('automatic failover', async () => {
    const r = await mirroringState(mirror, 'Patriot');
    return r?.mirroring_role_desc === 'PRINCIPAL' ? r : undefined;
  });
  assert.is(row.mirroring_state_desc, 'DISCONNECTED');
  assert.is((await mirror.run("SELECT state_desc FROM sys.databases WHERE name = 'Patriot'"))[0]?.state_desc, 'ONLINE');
  await mirror.close();
});

test('the old principal returns as the mirror and resynchronizes', async () => {
  await lab.cli('fault', 'SQLPRI01', 'up');
  const old = await connect(lab, 'SQLPRI01');
  const row = await waitForState(old, 'Patriot', 'SYNCHRONIZED');
  assert.is(row.mirroring_role_desc, 'MIRROR');
  await old.close();
});

test.after(async () => {
  await witness?.close().catch(() => {});
  await pair?.close().catch(() => {});
  await lab?.stop();
});
test.run();
