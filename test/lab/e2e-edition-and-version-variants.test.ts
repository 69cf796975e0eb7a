// Issue point 7, variants an operator meets in the field: Standard edition allows only full safety
// (1473), SQL Server 2008 R2 has no CERTENCODED (so certificates travel as files), and a long
// restore shows its progress in sys.dm_exec_requests from another connection.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestLab, waitFor } from '../helpers/lab.js';
import { connect, connectPair, quickBackups, setUpMirroring } from '../fixtures/lab/pair.js';

test('Standard edition: SAFETY OFF is refused with 1473', async () => {
  const lab = await startTestLab({ edition: 'Standard' });
  try {
    await quickBackups(lab);
    const pair = await connectPair(lab);
    await setUpMirroring(pair);
    const numbers = await pair.principal.errorsOf('ALTER DATABASE Patriot SET PARTNER SAFETY OFF');
    assert.ok(numbers.includes(1473), `got ${numbers.join(', ')}`);
    await pair.close();
  } finally {
    await lab.stop();
  }
});

test("SQL Server 2008 R2: CERTENCODED does not exist (195); the seed's file route works", async () => {
  const lab = await startTestLab({ version: '2008R2' });
  try {
    const pair = await connectPair(lab);
    const version = (await pair.principal.run("SELECT SERVERPROPERTY('ProductMajorVersion') AS major, @@VERSION AS v"))[0];
    assert.match(String(version?.v), /2008 R2/);
    await quickBackups(lab);
    await setUpMirroring(pair);
    const numbers = await pair.principal.errorsOf("SELECT CERTENCODED(CERT_ID('PRINCIPAL_cert')) AS der");
    assert.ok(numbers.includes(195), `got ${numbers.join(', ')}`);
    await pair.close();
  } finally {
    await lab.stop();
  }
});

test('a restore reports percent_complete in sys.dm_exec_requests while it runs', async () => {
  const lab = await startTestLab();
  try {
    await quickBackups(lab);
    const pair = await connectPair(lab);
    const c = pair.context;
    await pair.principal.run(`BACKUP DATABASE Patriot TO DISK = '${c.principalBackupDir}\\Patriot.dat' WITH INIT`);
    // Only the restore takes its time (6 s for Patriot's 4 GB), to be watched from another connection.
    await lab.control({ op: 'behaviour', instance: '*', name: 'backupMsPerGB', value: '1500' });
    const restore = pair.mirror.run(`RESTORE DATABASE Patriot FROM DISK = '${c.mirrorReadsFrom}\\Patriot.dat' WITH NORECOVERY, STATS = 10`);
    const watcher = await connect(lab, 'SQLMIR01');
    const seen = await waitFor('a restore in progress', async () => {
      const rows = await watcher.run("SELECT command, percent_complete FROM sys.dm_exec_requests WHERE command LIKE 'RESTORE%'");
      const p = Number(rows[0]?.percent_complete);
      return p > 0 && p < 100 ? rows[0] : undefined;
    });
    assert.match(String(seen.command), /^RESTORE DATABASE/);
    await restore;
    await watcher.close();
    await pair.close();
  } finally {
    await lab.stop();
  }
});

test.run();
