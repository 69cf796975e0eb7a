// The bundled worker (dist/store-worker.js) runs only on stores of 32 MB or more, so a broken
// bundle would fall back to the walk in one piece without a word. MIRRORBOOK_BESIDE_MIN_BYTES lowers
// the threshold: `node dist/cli.js audit verify` on a small store then proves the chain by the two
// parts joined, the second walked by the bundle's worker; without it the small store is walked in
// one piece.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { fillAudit } from '../store/tamper.js';
import { requireDist, runDist } from './support.js';

const RECORDS = 20;
const dir = mkdtempSync(join(tmpdir(), 'mb-proof-beside-'));
const path = join(dir, 'state.db');
test.before(() => {
  const store = openStore(path);
  fillAudit(store, RECORDS);
  store.close();
});
test.after(() => rmSync(dir, { recursive: true, force: true }));

const verify = async (env: NodeJS.ProcessEnv = {}) => {
  const result = await runDist(['audit', 'verify', '--local', '--json', '--store', path], { env });
  assert.is(result.code, 0, result.stdout + result.stderr);
  return JSON.parse(result.stdout) as { ok: boolean; count: number; notes: string[] };
};

test('with the threshold lowered the bundle walks the chain in two parts and joins them', async () => {
  requireDist();
  const proof = await verify({ MIRRORBOOK_BESIDE_MIN_BYTES: '0' });
  assert.equal([proof.ok, proof.count], [true, RECORDS]);
  assert.ok(proof.notes.includes(`the chain was walked in two parts joined at seq ${Math.floor(RECORDS * 0.2) + 1}`), proof.notes.join('\n'));
});

test('without it a small store is walked in one piece', async () => {
  requireDist();
  const proof = await verify();
  assert.equal([proof.ok, proof.count], [true, RECORDS]);
  assert.not.ok(
    proof.notes.some((n) => n.includes('two parts')),
    proof.notes.join('\n'),
  );
});

test.run();
