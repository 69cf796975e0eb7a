// The bundled worker (dist/store-worker.js) runs only on stores of 32 MB or more, so a broken
// bundle would fall back to the walk in one piece without a word. MIRRORBOOK_BESIDE_MIN_BYTES lowers
// the threshold: `node dist/cli.js audit verify` on a small store then proves the chain by the two
// parts joined, the second walked by the bundle's worker; without it the small store is walked in
// one piece. How the walk was split is a diagnostic: `--json` carries it as `trace`, and the
// Markdown report an auditor reads does not.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../store/index.js';
import { fillAudit } from '../store/tamper.js';
import { MAIN_SHARE } from '../../store/audit-verify.js';
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
  return JSON.parse(result.stdout) as { ok: boolean; count: number; notes: string[]; trace: string[] };
};
const JOINED = `the chain was walked in two parts joined at seq ${Math.floor(RECORDS * MAIN_SHARE) + 1}`;

test('with the threshold lowered the bundle walks the chain in two parts and joins them', async () => {
  requireDist();
  const proof = await verify({ MIRRORBOOK_BESIDE_MIN_BYTES: '0' });
  assert.equal([proof.ok, proof.count, proof.trace, proof.notes], [true, RECORDS, [JOINED], []]);
});

test('the Markdown report of a store walked in two parts does not tell how the walk was split', async () => {
  requireDist();
  const result = await runDist(['audit', '--format', 'md', '--store', path], { env: { MIRRORBOOK_BESIDE_MIN_BYTES: '0' } });
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, `Intact: ${RECORDS} records verified`);
  assert.not.match(result.stdout, 'two parts');
});

test('without it a small store is walked in one piece', async () => {
  requireDist();
  const proof = await verify();
  assert.equal([proof.ok, proof.count], [true, RECORDS]);
  assert.equal(proof.trace, []);
});

test.run();
