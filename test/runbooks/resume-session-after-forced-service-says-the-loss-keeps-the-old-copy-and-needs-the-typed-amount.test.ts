// No silent loss after forced service: the principal commits while the mirror is cut off, goes down,
// promote forces service on the mirror; the old principal comes back still cut off. resume-session
// then says in numbers what the old principal holds that the new one lacks, keeps it as a database
// snapshot while SQL Server still allows that (before it rejoins), and resumes only once the amount
// is typed — all of it in the audit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/lab.js';
import { type PairLab } from './pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';

let pair: PairLab;
const DATABASES = ['Patriot', 'PatriotArchive'];
const ROWS = 3;

test.before(async () => {
  // A copy of the suite's set-up pair: what `run setup --yes` leaves on a fresh one.
  pair = await startSetUpPair();
});
test.after(async () => {
  await pair?.stop();
});

const endOfLog = async (instance: string, database: string) =>
  BigInt(
    String(
      (
        await pair.sql(
          instance,
          `SELECT CAST(mirroring_end_of_log_lsn AS varchar(30)) AS lsn FROM sys.database_mirroring WHERE database_id = DB_ID('${database}')`,
        )
      )[0]?.lsn,
    ),
  );

test('the old principal commits alone, is lost, and promote forces service on the mirror', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'isolate' });
  for (const d of DATABASES) await pair.waitFor('SQLPRI01', d, 'DISCONNECTED', 'PRINCIPAL');
  await pair.sql('SQLPRI01', 'CREATE TABLE Patriot.dbo.LateAlarms (id int NOT NULL, zone nvarchar(20) NULL)');
  await pair.sql(
    'SQLPRI01',
    `INSERT INTO Patriot.dbo.LateAlarms (id, zone) VALUES ${Array.from({ length: ROWS }, (_, i) => `(${i + 1}, N'zone ${i + 1}')`).join(', ')}`,
  );
  for (const d of DATABASES) {
    const cutOffAt = await endOfLog('SQLPRI01', d);
    await waitFor(`${d} to commit on the cut-off principal`, async () => (await endOfLog('SQLPRI01', d)) > cutOffAt + 200n);
  }
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'down' });
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'DISCONNECTED');
  const promote = await pair.mb('run', 'promote', '--yes', '--confirm', 'SQLMIR01');
  assert.is(promote.code, 0, promote.stdout.slice(-3000) + promote.stderr);
  await pair.lab.control({ op: 'fault', instance: 'SQLPRI01', fault: 'up' });
  for (const d of DATABASES) await pair.waitFor('SQLPRI01', d, 'DISCONNECTED', 'PRINCIPAL');
});

const askedFor = (output: string): string => {
  const asked = /resume with --confirm '(discard [^']+)'/.exec(output);
  assert.ok(asked, output.slice(-3000));
  return asked[1]!;
};

test('resume-session keeps the old copies as snapshots while they are still apart, and stops for the typed amount', async () => {
  const refused = await pair.mb('run', 'resume-session', '--yes');
  assert.is(refused.code, 3, refused.stdout.slice(-3000));
  assert.match(askedFor(refused.stdout + refused.stderr), /^discard Patriot \d+, PatriotArchive \d+$/);
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'SUSPENDED', 'PRINCIPAL');

  const snapshots = await pair.sql(
    'SQLPRI01',
    'SELECT name, DB_NAME(source_database_id) AS source, is_read_only FROM sys.databases WHERE source_database_id IS NOT NULL',
  );
  assert.equal(snapshots.map((s) => s.source).sort(), [...DATABASES].sort());
  const patriot = snapshots.find((s) => s.source === 'Patriot')!;
  assert.is(patriot.is_read_only, true);
  assert.is((await pair.sql('SQLPRI01', `SELECT COUNT(*) AS n FROM [${String(patriot.name)}].dbo.LateAlarms`))[0]?.n, ROWS);
});

test('once the old principal has rejoined: a wrong amount is refused; the right one resumes, and the amount was the loss', async () => {
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'heal' });
  for (const d of DATABASES) await pair.waitFor('SQLPRI01', d, 'SUSPENDED', 'MIRROR');
  const asked = await pair.mb('run', 'resume-session', '--yes');
  assert.is(asked.code, 3);
  const confirmText = askedFor(asked.stdout + asked.stderr);
  assert.match(asked.stdout, /Patriot was preserved earlier as snapshot Patriot_before_resume_/);

  const wrong = await pair.mb('run', 'resume-session', '--yes', '--confirm', 'discard Patriot 1');
  assert.is(wrong.code, 3);
  assert.match(wrong.stdout + wrong.stderr, /does not match/);
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'SUSPENDED', 'PRINCIPAL');

  const resume = await pair.mb('run', 'resume-session', '--yes', '--confirm', confirmText);
  assert.is(resume.code, 0, resume.stdout.slice(-3000) + resume.stderr);
  for (const d of DATABASES) await pair.waitFor('SQLMIR01', d, 'SYNCHRONIZED', 'PRINCIPAL');
  // The lab's log makes the estimate exact (100 LSN per committed transaction): it equals what the
  // lab counted as lost, at forced service and when RESUME rolled the old copy back.
  const { dataLoss } = await pair.lab.status();
  for (const d of DATABASES) {
    const counted = dataLoss.filter((l) => l.database === d).reduce((sum, l) => sum + l.transactions, 0);
    assert.ok(counted > 0, `the lab counted no loss for ${d}`);
    assert.is(Number(new RegExp(`${d} (\\d+)`).exec(confirmText)?.[1]) / 100, counted, `${d}: ${confirmText}`);
  }

  const kept = await pair.sql('SQLPRI01', "SELECT name FROM sys.databases WHERE DB_NAME(source_database_id) = 'Patriot'");
  assert.is((await pair.sql('SQLPRI01', `SELECT COUNT(*) AS n FROM [${String(kept[0]?.name)}].dbo.LateAlarms`))[0]?.n, ROWS);
  const audit = await pair.mb('audit', 'verify');
  assert.is(audit.code, 0, audit.stdout + audit.stderr);
  const log = await pair.mb('audit');
  assert.match(log.stdout, /AS SNAPSHOT OF \[Patriot\]/);
  assert.match(log.stdout, /the operator accepted: discard Patriot \d+/);
});

test.run();
