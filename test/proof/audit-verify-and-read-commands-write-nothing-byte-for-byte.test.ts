// `audit verify` (and the other read commands) must leave the evidence exactly as it found it: the
// same files beside the store, byte for byte, with the same modes and times — for a store a run
// ended cleanly and for one a SIGKILL left with a WAL full of records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from '../engine/cli-harness.js';

function fingerprint(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir)
    .filter((n) => n.startsWith('state.db'))
    .sort()) {
    const path = join(dir, name);
    const s = statSync(path);
    files[name] = `${s.size} ${(s.mode & 0o777).toString(8)} ${s.mtimeMs} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  }
  return files;
}

async function readsLeaveItAsItWas(h: Harness, expectWal: boolean): Promise<void> {
  const before = fingerprint(h.dir);
  assert.is('state.db-wal' in before, expectWal, JSON.stringify(before));
  for (const args of [['audit', 'verify'], ['runs'], ['audit', '--format', 'md']]) {
    const exit = await h.run(args);
    assert.ok(exit.code !== null && exit.code !== 2 && exit.code < 70, `${args.join(' ')}: exit ${exit.code}\n${exit.stderr}`);
    assert.equal(fingerprint(h.dir), before, `mirrorbook ${args.join(' ')} changed the files beside the store`);
  }
}

test('after a clean run: verify and the read commands write nothing', async () => {
  const h = await Harness.bundled();
  try {
    const exit = await h.run(['run', 'ledger', '--yes', '--confirm', 'Patriot']);
    assert.is(exit.code, 0, exit.stderr);
    await readsLeaveItAsItWas(h, false);
    const verify = await h.run(['audit', 'verify', '--local']);
    assert.match(verify.stdout, 'audit trail intact');
  } finally {
    h.cleanup();
  }
});

test('after a SIGKILL with the run still in the WAL: verify reads the WAL and writes nothing', async () => {
  const h = await Harness.bundled();
  try {
    await h.killAt('intent:grant-connect#1');
    await readsLeaveItAsItWas(h, true);
    const verify = await h.run(['audit', 'verify', '--local']);
    assert.is(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, 'audit trail intact');
  } finally {
    h.cleanup();
  }
});

test.run();
