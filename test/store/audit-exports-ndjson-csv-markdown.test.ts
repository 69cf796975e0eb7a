import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runInput, tempStore, type TempStore } from './support.js';

/** A run with a statement that succeeded, one that failed, a confirmation, a note and a forced unlock. */
function recordedRun(t: TempStore): void {
  const { store } = t;
  store.runs.create(runInput());
  const mk = store.journal.intent({
    runId: 'run-1',
    stepId: 'master-key',
    attempt: 1,
    action: 'apply',
    audit: { target: 'principal', server: 'SQLA', sql: "CREATE MASTER KEY ENCRYPTION BY PASSWORD = N'****'" },
  });
  store.journal.outcome({ intentId: mk, status: 'ok' });
  store.journal.step({ runId: 'run-1', stepId: 'master-key', status: 'done', attempt: 1 });
  const sp = store.journal.intent({
    runId: 'run-1',
    stepId: 'set-partner',
    attempt: 1,
    action: 'apply',
    audit: { target: 'principal', server: 'SQLA', sql: "ALTER DATABASE [Sales]\nSET PARTNER = N'TCP://mirror.lab:5022'" },
  });
  store.journal.outcome({
    intentId: sp,
    status: 'error',
    error: { number: 1418, message: 'The server network address "TCP://mirror.lab:5022" can not be reached, or does not exist.' },
  });
  store.journal.step({ runId: 'run-1', stepId: 'set-partner', status: 'failed', attempt: 1, error: { number: 1418, message: 'network address unreachable' } });
  store.audit.append({ kind: 'confirmation', runId: 'run-1', stepId: 'copy-backup', message: 'operator confirmed the backup was copied' });
  store.audit.append({ kind: 'note', runId: 'run-1', message: 'mirror endpoint, firewall "rule", checked' });
  store.runs.setStatus('run-1', 'failed', 1);
  store.locks.acquire({ pairKey: 'SQLA|SQLB', runId: 'run-1', procedure: 'certificate-setup', owner: 'alice', host: 'elsewhere', pid: 42 });
  store.locks.forceUnlock('SQLA|SQLB', { operator: 'bob', osUser: 'bob', host: 'dbhost', reason: 'alice is on leave' });
}

function exported(t: TempStore, format: 'ndjson' | 'csv' | 'md', runId?: string): { text: string; count: number } {
  let text = '';
  const count = t.store.audit.export(format, runId === undefined ? {} : { runId }, (chunk) => (text += chunk));
  return { text, count };
}

/** RFC 4180: fields separated by commas, records by CRLF, quoted fields double their quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += c;
  }
  assert.is(field, '', 'CSV ends with CRLF');
  return rows;
}

test('NDJSON: one JSON record per line, the same records forRun returns', () => {
  const t = tempStore();
  try {
    recordedRun(t);
    const { text, count } = exported(t, 'ndjson', 'run-1');
    const lines = text.split('\n');
    assert.is(lines.pop(), '');
    assert.is(lines.length, count);
    assert.equal(
      lines.map((l) => JSON.parse(l)),
      JSON.parse(JSON.stringify(t.store.audit.forRun('run-1'))),
    );
    assert.is(exported(t, 'ndjson').count, count + 1, 'the unlock is outside the run');
  } finally {
    t.cleanup();
  }
});

test('CSV: a header row and RFC 4180 quoting of commas, quotes and newlines', () => {
  const t = tempStore();
  try {
    recordedRun(t);
    const { text, count } = exported(t, 'csv');
    const rows = parseCsv(text);
    assert.is(rows.length, count + 1);
    const header = rows[0]!;
    assert.equal(header.slice(0, 4), ['seq', 'ts', 'runId', 'kind']);
    const col = (name: string) => header.indexOf(name);
    const records = rows.slice(1);
    assert.ok(records.every((r) => r.length === header.length));
    const sql = records.find((r) => r[col('sql')]?.startsWith('ALTER DATABASE'))!;
    assert.is(sql[col('sql')], "ALTER DATABASE [Sales]\nSET PARTNER = N'TCP://mirror.lab:5022'");
    const failed = records.find((r) => r[col('errorNumber')] === '1418')!;
    assert.match(failed[col('message')]!, 'The server network address "TCP://mirror.lab:5022"');
    assert.ok(records.some((r) => r[col('message')] === 'mirror endpoint, firewall "rule", checked'));
    const unlock = records.find((r) => r[col('kind')] === 'unlock')!;
    assert.is(unlock[col('runId')], '');
    assert.equal(JSON.parse(unlock[col('data')]!).pairKey, 'SQLA|SQLB');
  } finally {
    t.cleanup();
  }
});

test('Markdown: a change-board report with header, steps, statements, remarks and verification', () => {
  const t = tempStore();
  try {
    recordedRun(t);
    const { text, count } = exported(t, 'md', 'run-1');
    assert.is(count, t.store.audit.forRun('run-1').length);
    assert.match(text, '| Procedure | certificate-setup |');
    assert.match(text, '| Pair | SQLA\\|SQLB |');
    assert.match(text, '| Operator | alice (alice@dbhost');
    assert.match(text, '| Outcome | failed (exit 1) |');
    assert.match(text, /\| Ended \| \d{4}-/);
    assert.match(text, '| 1 | Create the master key (`master-key`) | principal | done | 1 |');
    assert.match(text, '| 2 | Set the partner on the principal (`set-partner`) | principal | failed | 1 | error 1418: network address unreachable |');
    assert.match(text, '| 3 | Copy the backup to the mirror (`copy-backup`) — manual | operator | not run |');
    assert.match(text, /step `set-partner` on principal SQLA: \*\*error\*\* — error 1418/);
    assert.match(text, "  ALTER DATABASE [Sales]\n  SET PARTNER = N'TCP://mirror.lab:5022'");
    assert.match(text, /step `master-key` on principal SQLA: \*\*ok\*\*/);
    assert.match(text, 'confirmation by alice');
    assert.match(text, 'operator confirmed the backup was copied');
    assert.match(text, 'mirror endpoint, firewall "rule", checked');
    assert.match(text, /## Audit chain verification\n\nIntact: 11 records verified/);
  } finally {
    t.cleanup();
  }
});

test('Markdown of the whole store lists records outside any run, such as forced unlocks', () => {
  const t = tempStore();
  try {
    recordedRun(t);
    const { text, count } = exported(t, 'md');
    assert.is(count, 11, '9 records and the 2 step states');
    assert.match(text, '## Records outside any run');
    assert.match(text, /\| unlock \| bob \(bob@dbhost\) \| forced \| alice is on leave/);
  } finally {
    t.cleanup();
  }
});

test.run();
