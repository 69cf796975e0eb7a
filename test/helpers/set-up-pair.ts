// A lab pair after an uninterrupted `run setup`, built once and copied: the crash matrices need a
// set-up pair on every side of every file just to reach the procedure they kill, and a setup is
// the longest procedure there is. The lab persists everything in its directory (state.json,
// credentials, batch logs) and the store lives there too (state.db), so a copy of the stopped
// directory restarts as the same pair with the same run history: same instance ids, certificates,
// store id and anchors. Only the TDS ports are cleared, so that each copy listens on ports of its
// own; the lab rewrites mirrorbook.yaml with them when it starts.
//
// Built once per state of the sources, under os.tmpdir() (test/helpers/built-once.ts). A test
// runner may call buildSetUpPair() before it starts the files.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtOnce } from './built-once.js';
import { PRODUCT_SOURCES } from './fresh-bundle.js';
import { startPairLab, type PairLab, type PairLabOptions } from '../runbooks/pair-lab.js';

const CACHE = join(tmpdir(), 'mirrorbook-set-up-pair');
/** What a setup leaves behind is decided by these. */
const SOURCES = [
  ...PRODUCT_SOURCES,
  // How the tests start a lab and run the CLI (its environment, the lab's options).
  'test/helpers/lab.ts',
  'test/helpers/cli-in-process.ts',
  'test/runbooks/pair-lab.ts',
  'test/helpers/set-up-pair.ts',
];

/** The directory of the set-up pair for the current sources, built if there is none yet; safe
 * when several processes ask at once (one builds, the others wait for it). */
export function buildSetUpPair(): Promise<string> {
  return builtOnce(CACHE, SOURCES, async (dir) => {
    const pair = await startPairLab({ dir });
    try {
      const setup = await pair.mb('run', 'setup', '--yes');
      if (setup.code !== 0) throw new Error(`the setup of the set-up pair exited ${setup.code}:\n${setup.stdout}\n${setup.stderr}`);
    } finally {
      await pair.stop();
    }
  });
}

/** A running copy of the set-up pair in a directory of its own, removed by stop(). */
export async function startSetUpPair(options: Pick<PairLabOptions, 'realisticPace'> = {}): Promise<PairLab> {
  const source = await buildSetUpPair();
  const dir = mkdtempSync(join(tmpdir(), 'mirrorbook-lab-'));
  cpSync(source, dir, { recursive: true });
  rmSync(join(dir, 'ready'));
  // Each copy listens on ports of its own (0: the system picks; the lab saves and configures them).
  const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { instances: Record<string, { tdsPort: number }> };
  for (const instance of Object.values(state.instances)) instance.tdsPort = 0;
  writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
  const pair = await startPairLab({ ...options, dir });
  return {
    ...pair,
    stop: async () => {
      await pair.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
