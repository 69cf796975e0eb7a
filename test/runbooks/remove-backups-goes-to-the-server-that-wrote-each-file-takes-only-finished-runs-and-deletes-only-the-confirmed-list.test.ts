// `cleanup --remove-backups` in-process, against a store and a scripted pair: each file is read and
// deleted on the partner whose configured instance wrote it (the audit record's server), even with
// the roles swapped in the config; a file of neither partner is left with a note; the files of a run
// that can still be resumed stay and the step says why; sizes are CompressedBackupSize; and apply
// refuses when the files present are not the ones the operator confirmed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.js';
import { pairName } from '../../config/types.js';
import { runBackupFiles } from '../../cli/run-backup-files.js';
import { cleanup } from '../../runbooks/cleanup.js';
import type { StepContext, StepDefinition } from '../../machines/procedure.js';
import { runInput, tempStore } from '../store/support.js';

const dir = mkdtempSync(join(tmpdir(), 'mb-remove-backups-'));
writeFileSync(join(dir, 'sql.password'), 'Sql-Login-Pass1\n');
const env = { MB_MK: 'Master-Key-Pass#2026', MB_EP: 'Endpoint-Login-Pass#1' } as NodeJS.ProcessEnv;
// After a failover the operator swapped the roles in the yaml: SQLMIR01 is the principal now.
const config = parseConfig(
  `preset: patriot
pair:
  principal: { server: 127.0.0.1, port: 50123, instance: sqlmir01, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://b.lab.local:1430" }
  mirror: { server: 127.0.0.1, port: 50124, instance: SQLPRI01, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://a.lab.local:1430" }
secrets: { masterKeyPassword: "env:MB_MK", endpointLoginPassword: "env:MB_EP" }
backup: { directory: 'D:\\Backup', mirrorReadsFrom: '\\\\SQLPRI01\\Backup' }
`,
  join(dir, 'mirrorbook.yaml'),
  { env },
);

const t = tempStore();
const key = pairName(config);
const backup = (runId: string, server: string, target: 'principal' | 'mirror') =>
  t.store.audit.append({
    kind: 'statement',
    runId,
    target,
    server,
    result: 'ok',
    sql: `BACKUP DATABASE [Patriot] TO DISK = N'D:\\Backup\\Patriot_mirrorbook_${runId}.bak' WITH COPY_ONLY, COMPRESSION, INIT`,
  });
for (const [id, status] of [
  ['r-done', 'done'],
  ['r-failed', 'failed'],
  ['r-waiting', 'needs-operator'],
  ['r-gone', 'done'],
] as const) {
  t.store.runs.create(runInput(id, key));
  t.store.runs.setStatus(id, status, status === 'done' ? 0 : 1);
}
// The done setup ran when SQLPRI01 was the principal: it wrote its file there.
backup('r-done', 'SQLPRI01', 'principal');
backup('r-failed', 'SQLPRI01', 'principal');
backup('r-waiting', 'SQLPRI01', 'principal');
// A run whose writer is neither partner in the config now (the instance was replaced).
backup('r-gone', 'SQLOLD01', 'principal');

/** A scripted pair: files present per instance, each statement recorded with the instance it reached. */
function pairWith(files: Record<string, Set<string>>) {
  const sent: string[] = [];
  const notes: string[] = [];
  const instanceOf = (target: string) => (target === 'principal' ? 'SQLMIR01' : 'SQLPRI01');
  const ctx = (): StepContext => ({
    runId: 'r-cleanup',
    stepId: 's',
    attempt: 1,
    signal: new AbortController().signal,
    pollMs: 10,
    progress: () => undefined,
    note: (text) => notes.push(text),
    async sql(target, statement) {
      const server = instanceOf(target);
      const sql = statement.masked;
      sent.push(`${server}: ${sql}`);
      const path = /N'((?:[^']|'')*)'/.exec(sql)?.[1] ?? '';
      const here = files[server]!;
      if (sql.includes('xp_fileexist')) return { recordsets: [[{ 'File Exists': here.has(path) ? 1 : 0 }]], rowsAffected: [] };
      if (sql.startsWith('RESTORE HEADERONLY'))
        return { recordsets: [[{ DatabaseName: 'Patriot', BackupSize: 30 * 1_048_576, CompressedBackupSize: 10 * 1_048_576 }]], rowsAffected: [] };
      if (sql.includes('xp_delete_file')) here.delete(path);
      return { recordsets: [], rowsAffected: [] };
    },
  });
  return { sent, notes, ctx };
}

const stepsOf = (): StepDefinition[] => cleanup(config, { backupFiles: runBackupFiles(t.store, key) }).steps.filter((s) => s.id.endsWith('backup-files'));

test('only the finished run gives up its file; the resumable runs are named in the plan with why', () => {
  const written = runBackupFiles(t.store, key);
  assert.equal(written.files.map((f) => [f.runId, f.server]).sort(), [
    ['r-done', 'SQLPRI01'],
    ['r-gone', 'SQLOLD01'],
  ]);
  assert.equal(written.keptRuns.map((r) => `${r.runId} ${r.status}`).sort(), ['r-failed failed', 'r-waiting needs-operator']);
  const titles = stepsOf()
    .map((s) => s.title)
    .join('\n');
  assert.match(titles, /kept: the 1 file\(s\) of run r-failed \(certificate-setup, failed: it can still be resumed and would restore them\)/);
  assert.match(titles, /run r-waiting \(certificate-setup, needs-operator/);
  assert.match(titles, /kept: D:\\Backup\\Patriot_mirrorbook_r-gone\.bak \(written by SQLOLD01, which is neither partner in the config\)/);
});

test('the file SQLPRI01 wrote is planned, read and deleted on SQLPRI01 (the mirror in this config), never on SQLMIR01', async () => {
  const mine = 'D:\\Backup\\Patriot_mirrorbook_r-done.bak';
  const steps = stepsOf();
  assert.equal(
    steps.map((s) => s.id),
    ['cleanup.principal.backup-files', 'cleanup.mirror.backup-files'],
  );
  const onMirror = steps[1]!;
  assert.equal(
    onMirror.plan!().map((p) => `${p.target}: ${p.tsql.masked}`),
    [`mirror: EXEC master.dbo.xp_delete_file 0, N'${mine}'`],
  );
  assert.equal(steps[0]!.plan!(), [], 'nothing is deleted on the principal: SQLOLD01 is not it');
  // The operator's own seed copy at the same path on the other server.
  const pair = pairWith({ SQLPRI01: new Set([mine]), SQLMIR01: new Set([mine]) });
  const asked = await onMirror.destructive!.assess!(pair.ctx());
  assert.is(asked!.confirmText, 'delete 1 backup file');
  assert.match(asked!.consequences, /10\.0 MB in all/, 'the size on disk is CompressedBackupSize');
  await onMirror.apply(pair.ctx());
  assert.ok(pair.sent.includes(`SQLPRI01: EXEC master.dbo.xp_delete_file 0, N'${mine}'`));
  assert.not.ok(
    pair.sent.some((s) => s.startsWith('SQLMIR01')),
    pair.sent.join('\n'),
  );
  assert.equal(pair.sent.filter((s) => s.includes('xp_delete_file')).length, 1);
});

test('the principal step deletes nothing and notes what stays', async () => {
  const pair = pairWith({ SQLPRI01: new Set(), SQLMIR01: new Set(['D:\\Backup\\Patriot_mirrorbook_r-gone.bak']) });
  const step = stepsOf()[0]!;
  const probed = await step.probe(pair.ctx());
  assert.ok(probed.done);
  assert.match(probed.detail ?? '', /written by SQLOLD01, which is neither partner/);
  assert.not.ok(pair.sent.some((s) => s.includes('xp_delete_file')));
});

test('a file that appeared after the confirmation: apply deletes nothing and asks again', async () => {
  const config2 = cleanup(config, {
    backupFiles: {
      files: [
        { runId: 'r-done', server: 'SQLPRI01', database: 'Patriot', kind: 'full', path: 'D:\\Backup\\Patriot_mirrorbook_r-done.bak' },
        { runId: 'r-done', server: 'SQLPRI01', database: 'Patriot', kind: 'log', path: 'D:\\Backup\\Patriot_mirrorbook_r-done.trn' },
      ],
      keptRuns: [],
    },
  });
  const step = config2.steps.find((s) => s.id === 'cleanup.mirror.backup-files')!;
  const shown = new Set(['D:\\Backup\\Patriot_mirrorbook_r-done.bak']);
  const pair = pairWith({ SQLPRI01: shown, SQLMIR01: new Set() });
  assert.is((await step.destructive!.assess!(pair.ctx()))!.confirmText, 'delete 1 backup file');
  // Between the question and the apply the .bak went and the .trn came back (restored from tape):
  // the count is still one, the file is not the one shown.
  shown.delete('D:\\Backup\\Patriot_mirrorbook_r-done.bak');
  shown.add('D:\\Backup\\Patriot_mirrorbook_r-done.trn');
  const refused = await step.apply(pair.ctx()).then(
    () => undefined,
    (error: Error & { hint?: string }) => error,
  );
  assert.ok(refused, 'apply refuses');
  assert.match(refused!.message, /not shown: D:\\Backup\\Patriot_mirrorbook_r-done\.trn/);
  assert.not.ok(
    pair.sent.some((s) => s.includes('xp_delete_file')),
    pair.sent.join('\n'),
  );
});

test.after(() => t.cleanup());
test.run();
