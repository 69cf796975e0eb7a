// D/control.json (0600): how to reach a running lab process. Written once the process serves,
// removed when it stops; a file whose pid is gone is stale.

import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from '../persist/atomic-file.js';

export interface ControlEndpoint {
  pid: number;
  port: number;
  token: string;
  startedAt: string;
}

export function readControlFile(path: string): ControlEndpoint | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ControlEndpoint;
  } catch {
    return null; // half-written by a crashed process: treat as absent
  }
}

export function writeControlFile(path: string, endpoint: ControlEndpoint): void {
  writeFileAtomic(path, JSON.stringify(endpoint) + '\n', { mode: 0o600 });
}

export function removeControlFile(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
