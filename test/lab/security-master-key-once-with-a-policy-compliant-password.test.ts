import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSite } from '../../lab/site.js';
import { inProcessInstance, type InProcessSession } from '../../lab/server/in-process.js';
import { signIn, errorNumbers } from './in-process-session.js';

const PASSWORD = 'Adm1n!pass';

async function connect(version?: '2008R2'): Promise<{ s: InProcessSession; lab: ReturnType<typeof createSite> }> {
  const lab = createSite({ adminPassword: PASSWORD, ...(version ? { version } : {}) });
  const s = await signIn(inProcessInstance(lab, 'SQLPRI01'), 'mirrorbook', PASSWORD);
  return { s, lab };
}

test('CREATE MASTER KEY creates the DMK in master and shows it in sys.symmetric_keys', async () => {
  const { s, lab } = await connect();
  const r = await s.query(`USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk!Strong2025';
    SELECT name, symmetric_key_id, key_length, algorithm_desc FROM master.sys.symmetric_keys WHERE name = '##MS_DatabaseMasterKey##';
    SELECT is_master_key_encrypted_by_server FROM sys.databases WHERE name = 'master'`);
  assert.equal(errorNumbers(r), []);
  assert.equal(r.resultSets[0]?.rows, [['##MS_DatabaseMasterKey##', 101, 256, 'AES_256']]);
  assert.equal(r.resultSets[1]?.rows, [[true]]);
  assert.ok(lab.instances['SQLPRI01']?.databases['master']?.masterKey);
  assert.not.ok(JSON.stringify(lab).includes('Mk!Strong2025'), 'the password is not kept');
});

test('a second master key is refused with 15578', async () => {
  const { s } = await connect();
  await s.query(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk!Strong2025'`);
  const r = await s.query(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk!Strong2026'`);
  assert.equal(errorNumbers(r), [15578]);
});

test('a short password is 15116, a simple one 15118, and neither creates a key', async () => {
  const { s, lab } = await connect();
  assert.equal(errorNumbers(await s.query(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Ab1!'`)), [15116]);
  assert.equal(errorNumbers(await s.query(`CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'alllowercase'`)), [15118]);
  assert.is(lab.instances['SQLPRI01']?.databases['master']?.masterKey, null);
});

test('a self-signed certificate without a master key is 15581', async () => {
  const { s } = await connect();
  const r = await s.query(`CREATE CERTIFICATE c WITH SUBJECT = 'c'`);
  assert.equal(errorNumbers(r), [15581]);
});

test('SQL Server 2008 R2 makes a TRIPLE_DES master key', async () => {
  const { s } = await connect('2008R2');
  const r = await s.query(
    `CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Mk!Strong2025'; SELECT algorithm_desc, key_algorithm FROM sys.symmetric_keys WHERE symmetric_key_id = 101`,
  );
  assert.equal(r.resultSets[0]?.rows, [['TRIPLE_DES', 'D3']]);
});

test.run();
