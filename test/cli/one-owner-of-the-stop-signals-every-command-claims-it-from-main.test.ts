// SIGINT, SIGTERM and SIGHUP have one owner in the CLI, cli/signals.ts, installed by main.ts and
// passed down: no command listens to the process itself (run, resume, status --watch, monitor,
// demo and lab log --follow claim it). The owner: a claimed first signal aborts with its name and
// calls `first`; a second calls `force` and exits 128 + n; claims nest; unclaimed, a signal exits
// at once. (The lab's server process, lab/process.ts, is a program of its own.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ownSignals } from '../../cli/signals.js';
import { REPO_ROOT } from '../helpers/lab.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

test('no source (but cli/signals.ts, and the lab server process) listens to SIGINT, SIGTERM or SIGHUP by name', () => {
  const listening = ['cli', 'ui', 'machines', 'monitor', 'steps', 'store', 'config', 'runbooks', 'preflight']
    .flatMap((dir) => sources(join(REPO_ROOT, dir)))
    .filter((path) => /process\.(on|once|addListener|prependListener)\(\s*['"]SIG(INT|TERM|HUP)['"]/.test(readFileSync(path, 'utf8')))
    .map((path) => relative(REPO_ROOT, path));
  assert.equal(listening, []);
});

test('a claimed first signal aborts with its name and calls first; claims nest; a released claim is not called', () => {
  const owner = ownSignals();
  try {
    const calls: string[] = [];
    const releaseOuter = owner.claim({ first: (name) => calls.push(`outer ${name}`) });
    const releaseInner = owner.claim({ first: (name) => calls.push(`inner ${name}`) });
    releaseInner();
    process.emit('SIGTERM', 'SIGTERM');
    assert.equal(calls, ['outer SIGTERM']);
    assert.is(owner.signal.aborted, true);
    assert.is(owner.signal.reason, 'SIGTERM');
    releaseOuter();
  } finally {
    owner.release();
  }
});

test('a second signal calls force and exits 128 + n; an unclaimed one exits at once', () => {
  const exits: (number | undefined)[] = [];
  const exit = process.exit;
  process.exit = ((code?: number) => {
    exits.push(code);
  }) as typeof process.exit;
  const owner = ownSignals();
  try {
    process.emit('SIGHUP', 'SIGHUP');
    assert.equal(exits, [129], 'unclaimed: exit at once');
    const forced: string[] = [];
    const release = owner.claim({ force: (name) => forced.push(name) });
    process.emit('SIGINT', 'SIGINT');
    assert.equal(exits, [129], 'the first claimed signal does not exit');
    process.emit('SIGINT', 'SIGINT');
    assert.equal(forced, ['SIGINT']);
    assert.equal(exits, [129, 130]);
    release();
  } finally {
    owner.release();
    process.exit = exit;
  }
});

test.run();
