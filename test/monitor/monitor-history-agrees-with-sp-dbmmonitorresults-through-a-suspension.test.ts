// `monitor history` and SQL Server's own monitor table (msdb.dbo.sp_dbmmonitorresults) tell the same
// story where both have a row: through a suspension the roles, states, queues and rates agree, and
// the age of the oldest unsent transaction is the principal's time_recorded − time_behind.
// sp_dbmmonitoraddmonitoring creates its Agent job (a row in msdb.dbo.sysjobs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../helpers/lab.js';
import type { PairLab, RunningCli } from '../runbooks/pair-lab.js';
import { startMonitorLab, waitForEvent } from './monitor-lab.js';

let pair: PairLab;
let monitor: RunningCli;
test.before(async () => {
  pair = await startMonitorLab();
  // The service in a process of its own, as it runs (and is killed) in production.
  monitor = pair.cli(['monitor', '--interval', '0.5', '--json'], { process: true });
});
test.after(async () => {
  monitor?.interrupt('SIGKILL');
  await pair?.stop();
});

interface HistoryRow {
  at: string;
  instance: string;
  database: string | null;
  role: string | null;
  mirroringState: string | null;
  unsentLogKb: number | null;
  unrestoredLogKb: number | null;
  sendRateKbps: number | null;
  oldestUnsentMinutes: number | null;
  answerMs: number | null;
}
interface ResultRow {
  role: number;
  mirroring_state: number;
  unsent_log: number | null;
  unrestored_log: number | null;
  send_rate: number | null;
  time_recorded: Date;
  time_behind: Date | null;
}
const STATES = ['SUSPENDED', 'DISCONNECTED', 'SYNCHRONIZING', 'PENDING_FAILOVER', 'SYNCHRONIZED'];
/** At most this share of the oldest-unsent age is put down to sampling: the check stays a check. */
const MOST_SHARE = 0.25;
/** The seeded site's workload on Patriot: 20 transactions a second of 4 KB of log each. */
const LOG_KB_PER_SECOND = 80;

async function history(): Promise<HistoryRow[]> {
  const result = await pair.mb('monitor', 'history', '--since', '10m', '--db', 'Patriot', '--json');
  assert.is(result.code, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HistoryRow)
    .filter((r) => r.database === 'Patriot');
}

test('sp_dbmmonitoraddmonitoring creates the Database Mirroring Monitor Job', async () => {
  assert.equal(await pair.sql('SQLPRI01', "SELECT name FROM msdb.dbo.sysjobs WHERE name = N'Database Mirroring Monitor Job'"), []);
  await pair.sql('SQLPRI01', 'USE msdb; EXEC sp_dbmmonitoraddmonitoring 1');
  const [job] = await pair.sql('SQLPRI01', "SELECT name, enabled FROM msdb.dbo.sysjobs WHERE name = N'Database Mirroring Monitor Job'");
  assert.equal(job, { name: 'Database Mirroring Monitor Job', enabled: 1 });
});

test('through a suspension, monitor history and sp_dbmmonitorresults agree row for row', async () => {
  await pair.sql('SQLPRI01', 'ALTER DATABASE Patriot SET PARTNER SUSPEND');
  const suspendedAt = Date.now();
  await waitForEvent(monitor.output, 'raised', 'state:Patriot');
  // The sample that first saw the suspension may have none before it to take a rate from (the
  // monitor's first, when it started after the suspension): the rows compared come from later polls.
  const seen = (await history()).length;
  await waitFor('a poll after the one that saw the suspension', async () => (await history()).length >= seen + 2, 30_000, 200);
  for (let update = 0; update < 4; update++) {
    for (const instance of ['SQLPRI01', 'SQLMIR01']) await pair.sql(instance, "EXEC msdb.dbo.sp_dbmmonitorupdate N'Patriot'");
    const polls = (await history()).length;
    await waitFor('two more polls', async () => (await history()).length >= polls + 4, 30_000, 200);
  }
  const rows = await history();
  const principalRows = (await pair.sql('SQLPRI01', "EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 6, 0")) as unknown as ResultRow[];
  const mirrorRows = (await pair.sql('SQLMIR01', "EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 6, 0")) as unknown as ResultRow[];
  assert.is(principalRows.length, 4);
  assert.is(mirrorRows.length, 4);
  const nearest = (instance: string, at: Date) => {
    const mine = rows.filter((h) => h.instance === instance && h.role !== null);
    const h = mine.reduce((best, x) => (Math.abs(Date.parse(x.at) - at.getTime()) < Math.abs(Date.parse(best.at) - at.getTime()) ? x : best));
    const apartS = Math.abs(Date.parse(h.at) - at.getTime()) / 1000;
    assert.ok(apartS <= 1, `a monitor sample within a poll of ${at.toISOString()} (${apartS} s)`);
    // The monitor estimates the oldest unsent transaction from the growth of the queue between two
    // samples over the time between them; each sample's figures were taken somewhere within its
    // answer time, so that share of the interval is the estimate's uncertainty (a few ms idle, more
    // on a loaded machine).
    const before = mine
      .filter((x) => Date.parse(x.at) < Date.parse(h.at))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
      .pop();
    const intervalS = before ? (Date.parse(h.at) - Date.parse(before.at)) / 1000 : Infinity;
    const takenWithinS = ((h.answerMs ?? 0) + (before?.answerMs ?? 0)) / 1000;
    return { h, apartS, estimateShare: takenWithinS / intervalS };
  };
  // Newest first; the oldest row's rates span nothing before it.
  for (const [index, r] of principalRows.entries()) {
    const { h, apartS, estimateShare } = nearest('SQLPRI01', r.time_recorded);
    assert.is(r.role, 1);
    assert.is(h.role, 'PRINCIPAL');
    assert.is(h.mirroringState, STATES[r.mirroring_state]);
    assert.is(h.mirroringState, 'SUSPENDED');
    assert.ok(Math.abs(h.unsentLogKb! - r.unsent_log!) <= LOG_KB_PER_SECOND * (apartS + 0.5), `unsent log ${h.unsentLogKb} vs ${r.unsent_log} KB`);
    if (index < principalRows.length - 1) assert.is(r.send_rate, 0, 'nothing sent while suspended');
    assert.is(h.sendRateKbps, 0);
    const behindS = (r.time_recorded.getTime() - r.time_behind!.getTime()) / 1000;
    assert.ok(Math.abs(r.time_behind!.getTime() - suspendedAt) <= 1500, `time_behind ${r.time_behind!.toISOString()} is the suspension`);
    assert.ok(
      Math.abs(h.oldestUnsentMinutes! * 60 - behindS) <= apartS + 1.5 + behindS * Math.min(estimateShare, MOST_SHARE),
      `oldest unsent ${h.oldestUnsentMinutes} min vs time_recorded − time_behind ${behindS} s (samples ${apartS} s apart, ${estimateShare} of the interval spent answering)`,
    );
    assert.is(r.unrestored_log, null, "the redo side is the mirror's");
  }
  for (const r of mirrorRows) {
    const { h } = nearest('SQLMIR01', r.time_recorded);
    assert.is(r.role, 2);
    assert.is(h.role, 'MIRROR');
    assert.is(h.mirroringState, STATES[r.mirroring_state]);
    assert.is(h.unrestoredLogKb, r.unrestored_log, 'the mirror has redone all it received');
    assert.is(r.unsent_log, null, "the send side is the principal's");
    assert.is(r.time_behind, null, 'meaningful only on the principal');
  }
  assert.ok(principalRows[0]!.unsent_log! > principalRows.at(-1)!.unsent_log!, 'the unsent log grows while suspended');
  await pair.sql('SQLPRI01', 'ALTER DATABASE Patriot SET PARTNER RESUME');
  await pair.waitFor('SQLPRI01', 'Patriot', 'SYNCHRONIZED');
  await pair.sql('SQLPRI01', "EXEC msdb.dbo.sp_dbmmonitorupdate N'Patriot'");
  const [resumed] = (await pair.sql('SQLPRI01', "EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 0, 0")) as unknown as ResultRow[];
  assert.is(resumed!.mirroring_state, 4);
  assert.is(resumed!.unsent_log, 0);
  assert.is(resumed!.time_behind!.getTime(), resumed!.time_recorded.getTime(), 'caught up: time_behind is now');
});

test.run();
