// The lab process: serves one lab directory until SIGTERM/SIGINT or `mirrorbook lab stop`.
// Started detached by `mirrorbook lab start` (bundled as dist/lab-body-<hash>.cjs, which
// dist/lab-process.cjs runs with its code cache; in development
// `node --import tsx lab/process.ts --dir D`). Exit codes: 0 stopped cleanly, 2 bad arguments,
// 3 another process already serves the directory, 1 anything else.

import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import type { Edition, SqlVersionName } from './model.js';
import { LabAlreadyRunningError, openLab } from './control/running-lab.js';
import { ControlError } from './control/control-protocol.js';
import { parseEdition, parseSite, parseVersion, type SiteKind } from './control/lab-options.js';
import { processAlive } from './control/control-file.js';

const WATCH_PID_EVERY_MS = 5_000;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: { dir: { type: 'string' }, witness: { type: 'boolean' }, version: { type: 'string' }, edition: { type: 'string' }, site: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`lab-process: ${(error as Error).message}\n`);
    return 2;
  }
  if (!values.dir) {
    process.stderr.write('lab-process: --dir D is required\n');
    return 2;
  }
  let version: SqlVersionName | undefined;
  let edition: Edition | undefined;
  let site: SiteKind | undefined;
  try {
    version = values.version === undefined ? undefined : parseVersion(values.version);
    edition = values.edition === undefined ? undefined : parseEdition(values.edition);
    site = values.site === undefined ? undefined : parseSite(values.site);
  } catch (error) {
    process.stderr.write(`lab-process: ${(error as Error).message}\n`);
    return 2;
  }
  const stamp = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  try {
    const lab = await openLab({
      dir: resolve(values.dir),
      ...(values.witness ? { witness: true } : {}),
      ...(version ? { version } : {}),
      ...(edition ? { edition } : {}),
      ...(site ? { site } : {}),
      log: stamp,
    });
    const onSignal = (signal: NodeJS.Signals): void => {
      stamp(`${signal} received, stopping`);
      void lab.stop();
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    // A test's lab follows its test process: a file killed at its time limit must not leave it behind.
    // Looked at every few seconds: each wake-up costs an idle lab as much CPU as its own simulation.
    const watched = Number(process.env.MIRRORBOOK_LAB_WATCH_PID);
    if (watched > 0) {
      setInterval(() => {
        if (processAlive(watched)) return;
        stamp(`process ${watched} is gone, stopping`);
        void lab.stop();
      }, WATCH_PID_EVERY_MS).unref();
    }
    await lab.stopped;
    return 0;
  } catch (error) {
    if (error instanceof LabAlreadyRunningError) {
      process.stderr.write(`lab-process: ${error.message}\n`);
      return 3;
    }
    if (error instanceof ControlError) {
      process.stderr.write(`lab-process: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}`);
      return 1;
    }
    throw error;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`lab-process: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
