// A certificate valid by this machine's clock can be not yet valid or expired where it is used:
// `lab fault SQLMIR01 clock <offset>` sets that host's clock off (GETDATE and its kin, CREATE
// CERTIFICATE's default dates, the endpoint's date check), and `check` judges each certificate by
// the clock of the server that holds it, naming the server, the certificate's date and both clocks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';

const DAY = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

let pair: PairLab;
const start = Date.now() - DAY;
const expiry = Date.now() + 60 * DAY;
test.before(async () => {
  pair = await startPairLab();
  // The mirror's own endpoint certificate (the lab config's name), valid for two months on the real clock.
  await pair.sql(
    'SQLMIR01',
    `USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'Clock#Master#Key#2026'; CREATE CERTIFICATE MIRROR_cert WITH SUBJECT = 'mirror', START_DATE = '${isoDay(start)}', EXPIRY_DATE = '${isoDay(expiry)}'`,
  );
});
test.after(async () => {
  await pair?.stop();
});

interface Finding {
  check: string;
  server: string;
  verdict: string;
  found: string;
  hint?: string;
}

async function certificateRows(): Promise<Finding[]> {
  const result = await pair.mb('check', 'setup', '--json');
  return (JSON.parse(result.stdout) as { findings: Finding[] }).findings.filter((f) => f.check === 'certificate-dates' && f.server === 'SQLMIR01');
}

async function clock(offset: string): Promise<void> {
  const result = await pair.lab.cli('fault', 'SQLMIR01', 'clock', offset);
  assert.is(result.code, 0, result.stdout + result.stderr);
}

test('on the real clock the certificate is ✔ on SQLMIR01', async () => {
  const rows = await certificateRows();
  assert.equal(
    rows.map((r) => r.verdict),
    ['ok'],
  );
  assert.match(rows[0]!.found, new RegExp(`MIRROR_cert: valid ${isoDay(start)} to ${isoDay(expiry)} by SQLMIR01's clock`));
  assert.not.match(rows[0]!.found, /this machine/);
});

test("the host's clock moves what SQL Server reads as now, on that instance only", async () => {
  await clock('-3d');
  const [mirror] = await pair.sql('SQLMIR01', 'SELECT SYSUTCDATETIME() AS utc, GETDATE() AS local, GETUTCDATE() AS getutc');
  const [principal] = await pair.sql('SQLPRI01', 'SELECT SYSUTCDATETIME() AS utc');
  for (const value of [mirror!.utc, mirror!.local, mirror!.getutc]) {
    const behind = Date.now() - (value as Date).getTime();
    assert.ok(Math.abs(behind - 3 * DAY) < 60_000, `SQLMIR01 is 3 days behind (${String(value)})`);
  }
  assert.ok(Math.abs(Date.now() - (principal!.utc as Date).getTime()) < 60_000, 'SQLPRI01 keeps the real time');
  const status = await pair.lab.cli('status');
  assert.match(status.stdout, /SQLMIR01.*clock -3d/);
});

test('three days behind: the certificate is not valid yet by SQLMIR01, ✗ naming its start, the server clock and this machine', async () => {
  const rows = await certificateRows();
  const row = rows.find((r) => r.found.startsWith('MIRROR_cert'));
  assert.is(row?.verdict, 'fail', JSON.stringify(rows));
  assert.match(
    row!.found,
    new RegExp(
      `MIRROR_cert is not valid until ${isoDay(start)} 00:00Z by SQLMIR01's clock ${isoDay(Date.now() - 3 * DAY)} \\d\\d:\\d\\dZ \\(this machine: ${isoDay(Date.now())} \\d\\d:\\d\\dZ\\)`,
    ),
  );
  assert.match(row!.hint!, /correct SQLMIR01's clock/);
  assert.ok(
    rows.some((r) => r.verdict === 'fail' && /the server clock is 3 days behind this machine's/.test(r.found)),
    'setup would create certificates not valid there either',
  );
  const check = await pair.mb('check', 'setup');
  assert.is(check.code, 1);
  assert.match(check.stdout, /certificate-dates\s+SQLMIR01\s+✗\s+MIRROR_cert is not valid until/);
});

test('forty days ahead: it expires within 30 days by SQLMIR01 (⚠ with both dates), though this machine gives it sixty', async () => {
  await clock('+40d');
  const rows = await certificateRows();
  assert.equal(
    rows.map((r) => r.verdict),
    ['warn'],
  );
  assert.match(
    rows[0]!.found,
    new RegExp(
      `MIRROR_cert expires ${isoDay(expiry)} 00:00Z, within 30 days by SQLMIR01's clock ${isoDay(Date.now() + 40 * DAY)} .* \\(this machine: ${isoDay(Date.now())}`,
    ),
  );
});

test('ninety days ahead: it has expired by SQLMIR01 (✗), and CREATE CERTIFICATE there starts from that clock', async () => {
  await clock('+90d');
  const rows = await certificateRows();
  assert.equal(
    rows.map((r) => r.verdict),
    ['fail'],
  );
  assert.match(rows[0]!.found, new RegExp(`MIRROR_cert expired ${isoDay(expiry)} 00:00Z by SQLMIR01's clock ${isoDay(Date.now() + 90 * DAY)}`));
  await pair.sql('SQLMIR01', "USE master; CREATE CERTIFICATE clock_probe WITH SUBJECT = 'probe'");
  const [probe] = await pair.sql('SQLMIR01', "SELECT start_date FROM master.sys.certificates WHERE name = 'clock_probe'");
  assert.is(isoDay((probe!.start_date as Date).getTime()), isoDay(Date.now() + 90 * DAY));
});

test('clock 0 gives the host the real time back and the certificate is ✔ again; a malformed offset exits 2', async () => {
  await clock('0');
  assert.equal(
    (await certificateRows()).map((r) => r.verdict),
    ['ok'],
  );
  const bad = await pair.lab.cli('fault', 'SQLMIR01', 'clock', 'tomorrow');
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /clock needs an offset from the real time: \+400d ahead, -3d behind/);
  const option = await pair.lab.cli('fault', 'SQLMIR01', 'clock', '-x');
  assert.is(option.code, 2, 'a dash that is not a number is still an option');
});

test.run();
