import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PassThrough } from 'node:stream';
import { plainReporter } from '../../ui/plain-reporter.js';
import { ndjsonReporter } from '../../ui/ndjson-reporter.js';
import type { EngineEvent } from '../../machines/events.js';

const events: EngineEvent[] = [
  {
    type: 'run-started',
    ts: '2026-11-25T20:00:00.000Z',
    runId: 'r1',
    procedure: 'enable',
    pair: 'SQLPRI01+SQLMIR01',
    operator: 'dba',
    resumed: false,
    steps: [],
  },
  {
    type: 'statement',
    ts: '2026-11-25T20:00:00.250Z',
    runId: 'r1',
    stepId: 's',
    target: 'principal',
    server: 'SQLPRI01',
    sql: "ALTER DATABASE [Patriot]\n  SET PARTNER = N'TCP://sqlmir01:5022'",
  },
  {
    type: 'step-finished',
    ts: '2026-11-25T20:00:01.000Z',
    runId: 'r1',
    stepId: 's',
    status: 'failed',
    ms: 750,
    error: { number: 1418, message: 'cannot be reached', hint: 'start the endpoint' },
  },
  { type: 'run-finished', ts: '2026-11-25T20:00:01.500Z', runId: 'r1', status: 'failed', exitCode: 1, resumeCommand: 'mirrorbook resume r1' },
];

function collect(make: (out: PassThrough) => (e: EngineEvent) => void): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const listener = make(out);
  events.forEach(listener);
  return text;
}

test('plain: timestamped lines, T-SQL on one line, error number and hint, the resume command', () => {
  const text = collect(plainReporter);
  assert.match(text, /^20:00:00\.000 starting enable on SQLPRI01\+SQLMIR01 as dba/m);
  assert.match(text, /^20:00:00\.250   SQLPRI01> ALTER DATABASE \[Patriot\] SET PARTNER = N'TCP:\/\/sqlmir01:5022'$/m);
  assert.match(text, /step s: FAILED \(750 ms\) — error 1418: cannot be reached\n  hint: start the endpoint/);
  assert.match(text, /to continue: mirrorbook resume r1/);
  assert.not.match(text, /\x1b\[/, 'no escape sequences');
});

test('plain: a read repeated in a step is counted on the step line, changes and new reads always shown; --verbose shows all', () => {
  const poll = (ts: string, sql: string): EngineEvent => ({
    type: 'statement',
    ts: `2026-11-25T20:00:0${ts}Z`,
    runId: 'r1',
    stepId: 'w',
    target: 'principal',
    server: 'SQLPRI01',
    sql,
  });
  const read = 'SELECT mirroring_state_desc FROM sys.database_mirroring';
  const step: EngineEvent[] = [
    poll('1.000', read),
    poll('1.100', read),
    poll('1.200', read),
    poll('1.300', 'ALTER DATABASE [Patriot] SET PARTNER RESUME'),
    poll('1.400', read),
    { type: 'step-finished', ts: '2026-11-25T20:00:02.000Z', runId: 'r1', stepId: 'w', status: 'done', ms: 1000 },
    { type: 'run-finished', ts: '2026-11-25T20:00:02.100Z', runId: 'r1', status: 'done', exitCode: 0 },
  ];
  const write = (verbose: boolean): string => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    step.forEach(plainReporter(out, { verbose }));
    return text;
  };
  const summarised = write(false);
  assert.is(summarised.split(read).length - 1, 1, summarised);
  assert.match(summarised, /SET PARTNER RESUME/);
  assert.match(summarised, /step w: done \(1\.0 s; 3 repeated reads\)/);
  assert.match(summarised, /3 repeated reads were counted, not shown: --verbose shows every one/);
  const verbose = write(true);
  assert.is(verbose.split(read).length - 1, 4);
  assert.not.match(verbose, /repeated/);
});

test('plain: a read shown in an earlier step is counted, not shown again; a probe finding the step done says so on the step line only', () => {
  const read = 'SELECT d.name, m.mirroring_state_desc FROM sys.databases d';
  const at = (n: number) => `2026-11-25T20:00:0${n}.000Z`;
  const stepOf = (id: string, n: number): EngineEvent[] => [
    { type: 'step-started', ts: at(n), runId: 'r1', stepId: id, attempt: 1, target: 'principal', server: 'SQLPRI01' },
    { type: 'statement', ts: at(n), runId: 'r1', stepId: id, target: 'principal', server: 'SQLPRI01', sql: read },
    { type: 'step-probed', ts: at(n), runId: 'r1', stepId: id, done: true, detail: `${id} in place` },
    { type: 'step-finished', ts: at(n), runId: 'r1', stepId: id, status: 'already-done', ms: 5, detail: `${id} in place` },
  ];
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  [...stepOf('a', 1), ...stepOf('b', 2)].forEach(plainReporter(out));
  assert.is(text.split(read).length - 1, 1, text);
  assert.match(text, /step b: already done \(5 ms; 1 repeated read\) — b in place/);
  assert.not.match(text, /probe: already true/);
  let verbose = '';
  const all = new PassThrough();
  all.on('data', (d: Buffer) => (verbose += d.toString()));
  [...stepOf('a', 1), ...stepOf('b', 2)].forEach(plainReporter(all, { verbose: true }));
  assert.is(verbose.split(read).length - 1, 2);
  assert.match(verbose, /probe: already true — a in place/);
});

test('NDJSON: one parseable event per line, in order', () => {
  const lines = collect(ndjsonReporter).trim().split('\n');
  assert.is(lines.length, events.length);
  assert.equal(
    lines.map((l) => JSON.parse(l)),
    events,
  );
});

test.run();
