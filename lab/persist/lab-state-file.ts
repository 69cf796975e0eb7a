// The lab's state on disk: D/state.json, written atomically after every change.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LAB_STATE_VERSION, type LabState } from '../model.js';
import { writeFileAtomic } from './atomic-file.js';

export function labStatePath(dir: string): string {
  return join(dir, 'state.json');
}

export function loadLabState(dir: string): LabState | null {
  const path = labStatePath(dir);
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as LabState;
  if (state.version !== LAB_STATE_VERSION) {
    throw new Error(
      `${path} is lab state version ${String(state.version)}; this mirrorbook reads version ${LAB_STATE_VERSION} (start a fresh lab in another --dir)`,
    );
  }
  return state;
}

/** Written at most every 20 ms while the lab changes. Not fsynced: the state must survive the lab
 * process being killed, which the atomic rename gives; a power cut is outside what a rehearsal lab
 * models, and two fsyncs per write held the lab's event loop ~10 ms each time (every client waited). */
export function saveLabState(dir: string, state: LabState): void {
  writeFileAtomic(labStatePath(dir), JSON.stringify(state), { durable: false });
}
