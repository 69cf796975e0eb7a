// The monitor's channels against a lab pair: a lost mirror reaches stdout (NDJSON), --exec (event
// in the environment and as JSON on stdin), a webhook whose receiver is down at first and comes up
// later (retried, delivered), and /metrics; --check answers with the plugin exit codes. SIGTERM
// stops the service cleanly, and a restart with the alarm still raised neither re-fires nor
// forgets it. No MaxListenersExceededWarning however many polls.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { copyFileSync, appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { runCli, waitFor } from '../helpers/lab.js';
import type { PairLab } from '../runbooks/pair-lab.js';
import { count, freePort, startMonitorLab, waitForEvent } from './monitor-lab.js';

let pair: PairLab;
let receiver: Server | undefined;
const monitors: { interrupt(signal?: NodeJS.Signals): void }[] = [];
test.before(async () => {
  pair = await startMonitorLab();
});
test.after(async () => {
  for (const m of monitors) m.interrupt('SIGKILL');
  receiver?.close();
  await pair?.stop();
});

test('--check: OK, WARNING over a threshold, UNKNOWN on a bad config', async () => {
  const ok = await pair.mb('monitor', '--check');
  assert.is(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^MIRRORING OK - .* \| 'Patriot_unsent_log'=\d+KB;\d+/);
  const tight = join(pair.lab.dir, 'tight.yaml');
  copyFileSync(pair.config, tight);
  appendFileSync(tight, '  thresholds: { commitOverheadMs: 0.5 }\n');
  const warning = await runCli(['monitor', '--check', '--config', tight]);
  assert.is(warning.code, 1, warning.stdout + warning.stderr);
  assert.match(warning.stdout, /^MIRRORING WARNING - .*mirror commit overhead/);
  const broken = join(pair.lab.dir, 'broken.yaml');
  writeFileSync(broken, 'pair: [nonsense\n');
  const unknown = await runCli(['monitor', '--check', '--config', broken]);
  assert.is(unknown.code, 3, unknown.stdout + unknown.stderr);
  assert.match(unknown.stdout, /^MIRRORING UNKNOWN - /);
});

test('a lost mirror reaches every channel once; a restart with it raised neither re-fires nor forgets', async () => {
  const hookPort = await freePort();
  const metricsPort = await freePort();
  const execLog = join(pair.lab.dir, 'exec.log');
  const exec = `printf '%s %s %s\\n' "$MIRRORBOOK_EVENT" "$MIRRORBOOK_EVENT_KEY" "$MIRRORBOOK_EVENT_SEVERITY" >> '${execLog}'; cat >> '${execLog}'`;
  appendFileSync(pair.config, '  webhook: { url: "env:MB_TEST_HOOK" }\n');
  const args = ['monitor', '--interval', '0.2', '--json', '--exec', exec, '--listen', `127.0.0.1:${metricsPort}`];
  const env = { MB_TEST_HOOK: `http://127.0.0.1:${hookPort}/hook` };
  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();

  const first = pair.cli(args, { env, process: true });
  monitors.push(first);
  await waitFor(
    'a first poll on /metrics',
    async () => /mirrorbook_server_up\{instance="SQLMIR01",configured_role="mirror",current_role="mirror"\} 1/.test(await scrape()),
    30_000,
  );
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'down' });
  const raised = await waitForEvent(first.output, 'raised', 'unreachable:SQLMIR01');
  assert.match(raised.message, /^SQLMIR01 \(mirror\) is unreachable/);
  assert.is(raised.severity, 'critical');

  const stdinJson = () =>
    readFileSync(execLog, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('{') && l.includes('unreachable:SQLMIR01'));
  await waitFor(
    'the exec command to run',
    () => existsSync(execLog) && readFileSync(execLog, 'utf8').includes('raised unreachable:SQLMIR01 critical') && stdinJson() !== undefined,
  );
  assert.is(JSON.parse(stdinJson()!).type, 'raised', 'the event as JSON on stdin');

  const metrics = await scrape();
  assert.match(metrics, /mirrorbook_server_up\{instance="SQLMIR01",configured_role="mirror",current_role="unknown"\} 0/);
  assert.match(metrics, /mirrorbook_monitor_alarm\{key="unreachable:SQLMIR01",kind="unreachable",severity="critical"\} 1/);
  assert.match(metrics, /mirrorbook_mirroring_unsent_log_kb\{database="Patriot"\} \d+/);

  const critical = await pair.cli(['monitor', '--check'], { env }).done;
  assert.is(critical.code, 2, critical.stdout);
  assert.match(critical.stdout, /^MIRRORING CRITICAL - .*SQLMIR01 \(mirror\) is unreachable/);

  // The receiver was down all along: the event waits, retried with backoff, and arrives once it is up.
  const delivered: { type: string; key: string }[] = [];
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (d: Buffer) => (body += d.toString()));
    request.on('end', () => (delivered.push(JSON.parse(body)), response.writeHead(204).end()));
  });
  await new Promise<void>((resolve) => receiver!.listen(hookPort, '127.0.0.1', resolve));
  await waitFor('the webhook to deliver the raised alarm', () => delivered.some((e) => e.type === 'raised' && e.key === 'unreachable:SQLMIR01'), 30_000);

  first.interrupt('SIGTERM');
  const stopped = await first.done;
  assert.is(stopped.code, 143, stopped.stderr);
  assert.not.match(stopped.stderr, /MaxListenersExceededWarning/);
  assert.is(count(stopped.stdout, 'raised', 'unreachable:SQLMIR01'), 1);

  const second = pair.cli(args, { env, process: true });
  monitors.push(second);
  await waitFor('the restarted monitor polling', async () => /mirrorbook_monitor_polls_total \d*[3-9]\d*/.test(await scrape()), 30_000);
  assert.is(count(second.output(), 'raised', 'unreachable:SQLMIR01'), 0, 'not raised again after the restart');
  await pair.lab.control({ op: 'fault', instance: 'SQLMIR01', fault: 'up' });
  await waitForEvent(second.output, 'cleared', 'unreachable:SQLMIR01');
  second.interrupt('SIGTERM');
  const ended = await second.done;
  assert.is(ended.code, 143, ended.stderr);
  assert.is(count(ended.stdout, 'raised', 'unreachable:SQLMIR01'), 0, 'the restarted monitor never raised it again');
  assert.is(count(ended.stdout, 'cleared', 'unreachable:SQLMIR01'), 1);
  await waitFor('the webhook to deliver the clear', () => delivered.some((e) => e.type === 'cleared' && e.key === 'unreachable:SQLMIR01'), 30_000);
});

test.run();
