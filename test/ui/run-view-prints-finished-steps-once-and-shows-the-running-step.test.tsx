import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { STEPS, ev, frameWhere, renderRunView } from './run-view-harness.js';

test('header, a running step with its server, T-SQL and progress, then the finished step printed once', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'setup', pair: 'SQLPRI01+SQLMIR01', operator: 'dba', resumed: false, steps: STEPS }));
    ui.emit(ev('step-started', { stepId: 'backup', attempt: 1, target: 'principal', server: 'SQLPRI01' }));
    ui.emit(
      ev('statement', { stepId: 'backup', target: 'principal', server: 'SQLPRI01', sql: "BACKUP DATABASE [Patriot] TO DISK = N'C:\\Backup\\Patriot.bak'" }),
    );
    ui.emit(ev('statement', { stepId: 'backup', target: 'principal', server: 'SQLPRI01', sql: 'SELECT percent_complete FROM sys.dm_exec_requests' }));
    ui.emit(ev('progress', { stepId: 'backup', percent: 40, label: 'BACKUP DATABASE Patriot' }));
    const running = await frameWhere(ui.lastFrame, (f) => f.includes('40%'), 'the progress bar');
    assert.match(running, /setup on SQLPRI01\+SQLMIR01 · run 20261125-200000-abcd · operator dba · 4 steps/);
    assert.match(running, /▶ Full backup of Patriot\n  on SQLPRI01 \(configured principal\) · \d/);
    assert.match(running, /BACKUP DATABASE \[Patriot\]/, 'the change in flight stays on screen while its progress is polled');
    assert.match(running, /█+░+\s+40% BACKUP DATABASE Patriot/);
    assert.match(running, /· Check the service account \[mirror\]/, 'pending steps are listed');

    ui.emit(ev('step-finished', { stepId: 'backup', status: 'done', ms: 1234, detail: 'backup of Patriot written' }));
    ui.emit(ev('step-started', { stepId: 'service', attempt: 1, target: 'mirror', server: 'SQLMIR01' }));
    const after = await frameWhere(ui.lastFrame, (f) => f.includes('▶ Check the service account'), 'the next step running');
    assert.match(after, /✔ Full backup of Patriot \[SQLPRI01\] 1\.2 s/);
    assert.match(after, /backup of Patriot written/);
    assert.not.match(after, /40%/, 'the finished step left the live area');
    assert.is(after.split('Full backup of Patriot').length - 1, 1, 'printed once');
  } finally {
    ui.cleanup();
  }
});

test('after a failover each server is named by the role a read found, not the configured one; a step acting on the serving partner shows where its change went', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'set-safety-full', pair: 'SQLPRI01+SQLMIR01', operator: 'dba', resumed: false, steps: STEPS }));
    ui.emit(ev('step-started', { stepId: 'partner', attempt: 1, target: 'principal', server: 'SQLPRI01' }));
    ui.emit(ev('statement', { stepId: 'partner', target: 'principal', server: 'SQLPRI01', sql: 'SELECT d.name FROM sys.databases d' }));
    ui.emit(ev('role', { stepId: 'partner', target: 'principal', server: 'SQLPRI01', role: 'mirror' }));
    ui.emit(ev('statement', { stepId: 'partner', target: 'mirror', server: 'SQLMIR01', sql: 'SELECT d.name FROM sys.databases d' }));
    ui.emit(ev('role', { stepId: 'partner', target: 'mirror', server: 'SQLMIR01', role: 'principal' }));
    const onMirror = await frameWhere(ui.lastFrame, (f) => f.includes('on principal SQLMIR01'), 'the serving partner named principal');
    assert.not.match(onMirror, /mirror SQLMIR01|principal SQLPRI01/);
    ui.emit(ev('statement', { stepId: 'partner', target: 'mirror', server: 'SQLMIR01', sql: 'ALTER DATABASE [Patriot] SET PARTNER SAFETY FULL' }));
    ui.emit(ev('statement', { stepId: 'partner', target: 'principal', server: 'SQLPRI01', sql: 'SELECT d.name FROM sys.databases d' }));
    await frameWhere(ui.lastFrame, (f) => f.includes('on mirror SQLPRI01'), 'the configured principal named mirror');
    ui.emit(ev('step-finished', { stepId: 'partner', status: 'done', ms: 30 }));
    const done = await frameWhere(ui.lastFrame, (f) => f.includes('✔ SET PARTNER'), 'the finished step');
    assert.match(done, /✔ SET PARTNER on the principal \[SQLMIR01\] 30 ms/, 'where its change went');
  } finally {
    ui.cleanup();
  }
});

test('the preflight’s ⚠ rows are shown whole before the run starts and printed whole under its header, a step’s note cut to a line', async () => {
  const ui = renderRunView();
  const hint = 'mirroring needs the FULL recovery model: the setup switches it (log backups start then; tell whoever runs backups)';
  try {
    ui.emit(
      ev('preflight', {
        procedure: 'setup',
        findings: [{ check: 'database', server: 'SQLPRI01', verdict: 'warn', found: "'PatriotArchive' ONLINE, recovery SIMPLE", hint }],
      }),
    );
    const before = await frameWhere(ui.lastFrame, (f) => f.includes('⚠ database SQLPRI01'), 'the ⚠ row before the run starts');
    assert.match(before.replace(/\s+/g, ' '), 'tell whoever runs backups)', 'not cut');
    ui.emit(ev('run-started', { procedure: 'setup', pair: 'SQLPRI01+SQLMIR01', operator: 'dba', resumed: false, steps: STEPS }));
    ui.emit(ev('note', { stepId: 'backup', text: `a step's note ${'that goes on and on '.repeat(8)}until its end` }));
    const started = await frameWhere(ui.lastFrame, (f) => f.includes('setup on SQLPRI01'), 'the header');
    const flat = started.replace(/\s+/g, ' ');
    assert.match(flat, 'tell whoever runs backups)', 'printed whole under the header');
    assert.is(flat.split('⚠ database SQLPRI01').length - 1, 1, 'once');
    assert.not.match(started, /until its end/, 'a step’s note is cut to its line');
  } finally {
    ui.cleanup();
  }
});

test('at 80 columns a finished step keeps its server, duration and state: the title is cut', async () => {
  const { render } = await import('ink-testing-library');
  const { StepLine } = await import('../../ui/StepLine.js');
  const step = {
    id: 's',
    title: 'SET PARTNER SAFETY FULL for PatriotArchive on the partner that serves it now',
    target: 'principal' as const,
    manual: false,
    destructive: false,
    attempt: 1,
    status: 'already-done' as const,
    ms: 6100,
    server: 'SQLMIR01',
  };
  const ui = render(<StepLine step={step} columns={80} />);
  try {
    const line = (ui.lastFrame() ?? '').split('\n')[0]!;
    assert.ok(line.length <= 80, `${line.length} columns: ${line}`);
    assert.match(line, /^✔ SET PARTNER SAFETY FULL for PatriotArchive[^\n]*… \[SQLMIR01\] 6\.1 s · already done$/);
  } finally {
    ui.cleanup();
  }
});

test('the end: counts, exit code and the exact resume command', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'failover', pair: 'SQLPRI01+SQLMIR01', operator: 'dba', resumed: false, steps: STEPS }));
    ui.emit(ev('step-started', { stepId: 'backup', attempt: 1, target: 'principal', server: 'SQLPRI01' }));
    ui.emit(ev('step-finished', { stepId: 'backup', status: 'already-done', ms: 20 }));
    ui.emit(ev('run-finished', { status: 'interrupted', exitCode: 130, resumeCommand: 'mirrorbook resume 20261125-200000-abcd --config lab/mirrorbook.yaml' }));
    const end = await frameWhere(ui.lastFrame, (f) => f.includes('exit 130'), 'the summary');
    assert.match(end, /✖ failover interrupted; the checkpoint is written · 1 already done/);
    assert.match(end, /to continue: mirrorbook resume 20261125-200000-abcd --config lab\/mirrorbook\.yaml/);
    assert.not.match(end, /Check the service account/, 'no live area after the end');
  } finally {
    ui.cleanup();
  }
});

test('a resumed run counts the steps finished before it instead of listing them as pending', async () => {
  const ui = renderRunView();
  try {
    ui.emit(ev('run-started', { procedure: 'setup', pair: 'P', operator: 'dba', resumed: true, steps: STEPS }));
    ui.emit(ev('step-started', { stepId: 'overwrite', attempt: 2, target: 'mirror', server: 'SQLMIR01' }));
    const frame = await frameWhere(ui.lastFrame, (f) => f.includes('▶ Overwrite'), 'the resumed step');
    assert.match(frame, /resuming setup on P/);
    assert.match(frame, /2 step\(s\) finished before this resume/);
    assert.not.match(frame, /Full backup of Patriot|Check the service account/);
    ui.emit(ev('step-finished', { stepId: 'overwrite', status: 'done', ms: 10 }));
    ui.emit(ev('step-started', { stepId: 'partner', attempt: 1, target: 'principal' }));
    ui.emit(ev('step-finished', { stepId: 'partner', status: 'done', ms: 10 }));
    ui.emit(ev('run-finished', { status: 'done', exitCode: 0 }));
    const end = await frameWhere(ui.lastFrame, (f) => f.includes('exit 0'), 'the summary');
    assert.match(end, /2 done before the resume, 2 done/);
  } finally {
    ui.cleanup();
  }
});

test.run();
