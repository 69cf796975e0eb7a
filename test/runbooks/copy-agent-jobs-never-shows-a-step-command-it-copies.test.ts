// A job step's command can carry a password (a CmdExec sqlcmd -P …, a PowerShell connection
// string). copy-agent-jobs sends it to the other partner, but the store, the audit export, the
// output and the differences it reports show only its SHA-256 prefix and length.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobDifferences, type AgentJobDefinition } from '../../steps/agent-jobs.js';
import { textDigest } from '../../steps/tsql.js';
import { outcomes, startPairLab, type PairLab } from './pair-lab.js';

const PASSWORD = 'Jb$tepPw-7731x';
const COMMAND = `sqlcmd -S . -U archiver -P ${PASSWORD} -d Patriot -Q "EXEC dbo.ArchiveAlarms"`;

let pair: PairLab;
test.before(async () => {
  pair = await startPairLab();
});
test.after(async () => {
  await pair?.stop();
});

test('the job is copied with its command, which appears nowhere mirrorbook writes', async () => {
  const job = "N'Patriot - archive'";
  await pair.sql(
    'SQLPRI01',
    `EXEC msdb.dbo.sp_add_job @job_name = ${job}; EXEC msdb.dbo.sp_add_jobstep @job_name = ${job}, @step_name = N'archive', @subsystem = N'CmdExec', @command = N'${COMMAND.replaceAll("'", "''")}'`,
  );
  const setup = await pair.mb('run', 'setup', '--yes');
  assert.is(setup.code, 0, setup.stdout.slice(-2000) + setup.stderr);
  const copy = await pair.mb('run', 'copy-agent-jobs', '--yes');
  assert.is(copy.code, 0, copy.stdout.slice(-2000) + copy.stderr);
  assert.is(outcomes(copy.stdout).get('agent-jobs.mirror'), 'done');
  assert.equal(
    await pair.sql(
      'SQLMIR01',
      "SELECT s.command FROM msdb.dbo.sysjobs j JOIN msdb.dbo.sysjobsteps s ON s.job_id = j.job_id WHERE j.name = N'Patriot - archive'",
    ),
    [{ command: COMMAND }],
  );
  const json = await pair.mb('run', 'copy-agent-jobs', '--yes', '--json');
  const exports = await Promise.all(['ndjson', 'csv', 'md'].map((format) => pair.mb('audit', '--format', format)));
  assert.ok(exports[2]!.stdout.includes(textDigest(COMMAND)), 'the audit holds the command as its digest');
  const said = [setup, copy, json, ...exports].map((r) => r.stdout + r.stderr).join('\n');
  assert.not.ok(said.includes(PASSWORD), 'not in the output or the audit exports');
  const store = join(pair.lab.dir, 'state.db');
  for (const file of [store, `${store}-wal`].filter((f) => existsSync(f))) {
    const bytes = readFileSync(file);
    assert.not.ok(bytes.includes(Buffer.from(PASSWORD, 'utf8')) || bytes.includes(Buffer.from(PASSWORD, 'utf16le')), `not in ${file}`);
  }
});

test('two jobs whose commands differ are told apart by digest, not by text', () => {
  const job = (command: string): AgentJobDefinition => ({
    name: 'j',
    enabled: true,
    description: null,
    schedules: [],
    steps: [
      {
        stepId: 1,
        stepName: 's',
        subsystem: 'CmdExec',
        command,
        databaseName: null,
        onSuccessAction: 1,
        onSuccessStepId: 0,
        onFailAction: 2,
        onFailStepId: 0,
        retryAttempts: 0,
        retryInterval: 0,
      },
    ],
  });
  const [difference] = jobDifferences(job(COMMAND), job('sqlcmd -P other'));
  assert.ok(difference?.includes(textDigest(COMMAND)) && difference.includes(textDigest('sqlcmd -P other')), difference);
  assert.not.ok(difference?.includes(PASSWORD), difference);
});

test.run();
