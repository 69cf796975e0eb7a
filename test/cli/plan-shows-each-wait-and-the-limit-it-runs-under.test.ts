// `plan` shows what each waiting step waits for and the limit it runs under: the wait for
// SYNCHRONIZED goes on while the queues shrink and stops after the limit without progress (5 min,
// the config's waits.withoutProgressSeconds, or MIRRORBOOK_SYNC_WAIT_MS over both for rehearsals);
// a failover's end-state check waits at most that long.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/lab.js';

const dir = mkdtempSync(join(tmpdir(), 'mb-plan-waits-'));
const config = join(dir, 'mirrorbook.yaml');
writeFileSync(join(dir, 'sql.password'), 'Sql-Login-Pass1\n');
writeFileSync(
  config,
  `preset: patriot
pair:
  principal: { server: 127.0.0.1, port: 50123, instance: SQLPRI01, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://sqlpri01.lab.local:1430" }
  mirror: { server: 127.0.0.1, port: 50124, instance: SQLMIR01, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://sqlmir01.lab.local:1430" }
secrets: { masterKeyPassword: "env:MB_MK", endpointLoginPassword: "env:MB_EP" }
backup: { directory: 'D:\\Backup', mirrorReadsFrom: '\\\\SQLPRI01\\Backup' }
`,
);
const env = { MB_MK: 'Master-Key-Pass#2026', MB_EP: 'Endpoint-Login-Pass#1' };
test.after(() => rmSync(dir, { recursive: true, force: true }));

const plan = (procedure: string, extra: Record<string, string> = {}) => runCli(['plan', procedure, '--offline', '--config', config], { ...env, ...extra });

test("the wait for SYNCHRONIZED shows its limit: 5 min by default, the config's when given, MIRRORBOOK_SYNC_WAIT_MS over both", async () => {
  const byDefault = await plan('setup');
  assert.is(byDefault.code, 0, byDefault.stderr);
  assert.match(
    byDefault.stdout,
    /Wait until Patriot is SYNCHRONIZED[^\n]*\n {6}waits for Patriot SYNCHRONIZED as long as the send and redo queues shrink; stops with a hint after 5 min \(waits\.withoutProgressSeconds\) without progress/,
  );
  const configured = join(dir, 'waits.yaml');
  writeFileSync(configured, `${readFileSync(config, 'utf8')}waits: { withoutProgressSeconds: 1200 }\n`);
  const fromConfig = await runCli(['plan', 'setup', '--offline', '--config', configured], env);
  assert.is(fromConfig.code, 0, fromConfig.stderr);
  assert.match(fromConfig.stdout, 'stops with a hint after 20 min (waits.withoutProgressSeconds) without progress');
  const overridden = await runCli(['plan', 'setup', '--offline', '--config', configured], { ...env, MIRRORBOOK_SYNC_WAIT_MS: '90000' });
  assert.match(overridden.stdout, 'stops with a hint after 90 s (MIRRORBOOK_SYNC_WAIT_MS) without progress');
  writeFileSync(configured, `${readFileSync(config, 'utf8')}waits: { withoutProgressSeconds: 5 }\n`);
  const tooShort = await runCli(['plan', 'setup', '--offline', '--config', configured], env);
  assert.is(tooShort.code, 2, tooShort.stdout);
  assert.match(tooShort.stderr, 'waits.withoutProgressSeconds');
  const set = await plan('set-safety-full', { MIRRORBOOK_SYNC_WAIT_MS: '90000' });
  assert.is(set.code, 0, set.stderr);
  assert.is(set.stdout.split('after 90 s (MIRRORBOOK_SYNC_WAIT_MS) without progress').length - 1, 2, set.stdout);
});

test("failover's end-state check waits at most the same limit; a step that does not wait shows none", async () => {
  const failover = await plan('failover', { MIRRORBOOK_SYNC_WAIT_MS: '600000' });
  assert.is(failover.code, 0, failover.stderr);
  assert.match(
    failover.stdout,
    /Verify the pair: every database PRINCIPAL and SYNCHRONIZED on SQLMIR01[^\n]*\n {6}waits for the pair to settle there, at most 10 min \(MIRRORBOOK_SYNC_WAIT_MS\)/,
  );
  assert.is(failover.stdout.split('\n      waits ').length - 1, 1, 'only the end-state check waits');
});

test.run();
