// One classifier says whether a statement only reads: the engine (what is audited before it is
// sent), the run view (a read does not replace a change on screen) and the crash proofs use it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { changesServer, onlyReads } from '../../machines/statement-kind.js';
import { initialRunViewState, reduceRunView, type RunViewState } from '../../ui/run-state.js';
import { changesServer as proofsClassifier } from '../proof/crash-statements.js';
import type { EngineEvent } from '../../machines/events.js';

const READS = [
  "SELECT mirroring_state FROM sys.database_mirroring WHERE database_id = DB_ID(N'Patriot')",
  'USE [Patriot]; SELECT 1',
  'SET TEXTSIZE 2147483647',
  "EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 0, 0",
  'EXEC sp_who',
  'EXECUTE sp_helpdb',
];
const CHANGES = [
  "EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 0, 1",
  "BACKUP DATABASE [Patriot] TO DISK = N'C:\\b\\Patriot.bak'",
  "ALTER DATABASE [Patriot] SET PARTNER = N'TCP://sqlmir01:5022'",
  'USE [master]; CREATE LOGIN [x] FROM WINDOWS',
  'EXEC sp_dbmmonitorupdate',
  'SELECTED',
];

test('reads and changes are told apart, conservatively (what is not known to read is a change)', () => {
  for (const sql of READS) assert.ok(onlyReads(sql) && !changesServer(sql), `a read: ${sql}`);
  for (const sql of CHANGES) assert.ok(changesServer(sql) && !onlyReads(sql), `a change: ${sql}`);
});

test('the crash proofs use the same classifier as the engine', () => {
  assert.is(proofsClassifier, changesServer);
});

let ts = Date.parse('2026-11-25T20:00:00.000Z');
const statement = (sql: string): EngineEvent =>
  ({ type: 'statement', ts: new Date((ts += 10)).toISOString(), runId: 'r', stepId: 'force', target: 'mirror', sql }) as EngineEvent;

test('the run view keeps a change on screen while the step polls with what the classifier calls reads', () => {
  let state: RunViewState = initialRunViewState;
  const change = 'ALTER DATABASE [Patriot] SET PARTNER FORCE_SERVICE_ALLOW_DATA_LOSS';
  state = reduceRunView(state, { type: 'event', event: statement(change) });
  for (const read of READS) {
    state = reduceRunView(state, { type: 'event', event: statement(read) });
    assert.is(state.live?.sql, change, `kept over ${read}`);
  }
  const next = "EXEC msdb.dbo.sp_dbmmonitorresults N'Patriot', 0, 1";
  state = reduceRunView(state, { type: 'event', event: statement(next) });
  assert.is(state.live?.sql, next, 'a change replaces a change');
});

test.run();
