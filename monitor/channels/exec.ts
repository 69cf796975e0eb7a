// --exec COMMAND: run once per event, through the shell, with the event in MIRRORBOOK_EVENT_*
// variables and as JSON on stdin — how a DBA wires the monitor into a pager script or `mail`.
// Commands run one at a time in order; one that hangs is killed after 30 s.
import { spawn } from 'node:child_process';
import type { MonitorEvent } from '../events.js';
import { Queue, type Channel } from './channel.js';

const TIMEOUT_MS = 30_000;

export function eventEnvironment(e: MonitorEvent): Record<string, string> {
  return {
    MIRRORBOOK_EVENT: e.type,
    MIRRORBOOK_EVENT_KEY: e.key,
    MIRRORBOOK_EVENT_KIND: e.kind,
    MIRRORBOOK_EVENT_SEVERITY: e.severity,
    MIRRORBOOK_EVENT_AT: e.at,
    MIRRORBOOK_EVENT_PAIR: e.pair,
    MIRRORBOOK_EVENT_MESSAGE: e.message,
    MIRRORBOOK_EVENT_ADVICE: e.advice,
    MIRRORBOOK_EVENT_DATABASE: e.database ?? '',
    MIRRORBOOK_EVENT_INSTANCE: e.instance ?? '',
  };
}

export function execChannel(command: string, warn: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Channel {
  const run = (e: MonitorEvent): Promise<void> =>
    new Promise((resolve) => {
      const child = spawn(command, { shell: true, stdio: ['pipe', 'ignore', 'pipe'], env: { ...env, ...eventEnvironment(e) } });
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-500)));
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(e) + '\n');
      child.on('error', (error) => warn(`--exec could not start: ${error.message}`));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) warn(`--exec ${signal ? `was killed (${signal})` : `exited ${code}`} for ${e.type} ${e.key}${stderr ? `: ${stderr.trim()}` : ''}`);
        resolve();
      });
    });
  const queue = new Queue<MonitorEvent>(run, 1000, (dropped) => warn(`--exec is too far behind: ${dropped.type} ${dropped.key} dropped`));
  return { name: 'exec', send: (e) => queue.push(e), close: (ms) => queue.idle(ms) };
}
