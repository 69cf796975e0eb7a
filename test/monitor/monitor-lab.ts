// A mirrored lab pair for the monitor's tests: set up through the real CLI (without a witness, a
// copy of the suite's set-up pair: test/helpers/set-up-pair.ts), the Patriot application login
// present on the mirror too (else the monitor rightly reports login drift), and a `monitor:`
// section appended to the lab's config. Sessions keep the lab's realistic SYNCHRONIZING time: what
// a monitor sees while a session resynchronizes is what these tests watch.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { waitFor } from '../helpers/lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';
import { startPairLab, type PairLab } from '../runbooks/pair-lab.js';

export interface MonitorEventJson {
  type: string;
  key: string;
  kind: string;
  severity: string;
  message: string;
  advice: string;
  database?: string;
  instance?: string;
}

export async function startMonitorLab(options: { witness?: boolean; monitorYaml?: string } = {}): Promise<PairLab> {
  const pair = options.witness ? await startPairLab({ witness: true, realisticPace: true }) : await startSetUpPair({ realisticPace: true });
  if (options.witness) {
    const setup = await pair.mb('run', 'setup', '--yes');
    if (setup.code !== 0) throw new Error(`setup failed (${setup.code}): ${setup.stdout.slice(-2000)}${setup.stderr}`);
  }
  // Setup copies the application logins to the mirror; a site without that step needs it here.
  const found = await pair.sql('SQLMIR01', "SELECT name FROM sys.server_principals WHERE name = N'Patriot'");
  if (found.length === 0) await pair.sql('SQLMIR01', "CREATE LOGIN [Patriot] WITH PASSWORD = N'Monitor#Test#2026x'");
  appendFileSync(pair.config, `monitor:\n${options.monitorYaml ?? '  clearAfterPolls: 3'}\n`);
  return pair;
}

export function events(stdout: string): MonitorEventJson[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as MonitorEventJson);
}

export function count(stdout: string, type: string, key: string): number {
  return events(stdout).filter((e) => e.type === type && e.key === key).length;
}

/** Waits until the monitor's output holds an event of `type` for `key`. */
export function waitForEvent(output: () => string, type: string, key: string, timeoutMs = 30_000): Promise<MonitorEventJson> {
  let found: MonitorEventJson | undefined;
  return waitFor(`${type} ${key}`, () => (found = events(output()).find((e) => e.type === type && e.key === key)) !== undefined, timeoutMs, 50).then(
    () => found!,
  );
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
