#!/usr/bin/env node
// mirrorbook's entry point: the process around a command line (warnings, a closed pipe, the stop
// signals, the exit code); cli/dispatch.ts runs the command line itself.

import module from 'node:module';
import { codeCacheDir } from './code-cache-dir.js';

// Node 22.1+ keeps the compiled code of every module it loads (NODE_DISABLE_COMPILE_CACHE turns it
// off, as Node documents), so a later start skips compiling the CLI's chunks. Node 20 has no such
// cache; there the packages (mssql, yaml, xstate) keep theirs (cli/package-code-cache.ts). It is
// turned on before the rest of the command line is imported, which it then covers.
try {
  (module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache?.(codeCacheDir('node-compile-cache'));
} catch {
  // No home folder to keep it in (HOME unset, no passwd entry): every start compiles.
}
const { dispatch } = await import('./dispatch.js');
const { ownSignals } = await import('./signals.js');

// tedious passes an IP address as the TLS server name (DEP0123); the warning tells an operator
// nothing they can act on and would interleave with the run's output.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
  if (code === 'DEP0123') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

/** Output to a closed pipe (`mirrorbook audit | head -1`) ends quietly with exit 0, as git's does:
 * no EPIPE stack. A command that changes servers (run, resume, demo) is not cut short by its
 * reader going away: it finishes the run without output and exits with the run's code. */
function quietOnClosedPipe(finishWithoutOutput: () => boolean): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
      if (!finishWithoutOutput()) process.exit(0);
    });
  }
}

let finishesWithoutOutput = false;
quietOnClosedPipe(() => finishesWithoutOutput);
const signals = ownSignals();

let settled = false;
// A command whose promise can no longer settle (nothing left to wait for) must not exit 0 silently.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('mirrorbook: internal error: the command stopped with nothing left to wait for\n');
  process.exitCode = 70;
});

dispatch(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  invocation: { script: process.argv[1], execArgv: process.execArgv },
  signals,
  finishesWithoutOutput: (yes) => {
    finishesWithoutOutput = yes;
  },
})
  .finally(() => {
    settled = true;
  })
  .then(async (code) => {
    process.exitCode = code;
    // A command has ended when its promise settles (a monitor service when told to stop): should a
    // library keep a handle open (a keep-alive socket), the process still exits shortly after,
    // without holding the loop open itself — but only once the output is written: a pipe to a slow
    // reader (`| less`) is written asynchronously where the platform makes pipes so (macOS).
    await Promise.all([process.stdout, process.stderr].map((stream) => new Promise<void>((done) => stream.write('', () => done()))));
    setTimeout(() => process.exit(), 3000).unref();
  });
