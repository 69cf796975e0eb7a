// A guide-built site mirroring on RC4 (kept with algorithm: RC4, allowRc4: true), then the config
// moves to AES: certificate-setup asks before touching an endpoint a running session uses, sends
// nothing without the typed endpoint name, and once confirmed widens each endpoint to accept both
// algorithms before narrowing to AES — the session is SYNCHRONIZED again on AES at the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { startPairLab, type PairLab } from './pair-lab.js';

let pair: PairLab;
let original = '';
test.before(async () => {
  pair = await startPairLab({ site: 'guide' });
  original = readFileSync(pair.config, 'utf8');
});
test.after(async () => {
  await pair?.stop();
});

const algorithms = async () =>
  Promise.all(
    ['SQLPRI01', 'SQLMIR01'].map(async (i) => (await pair.sql(i, 'SELECT encryption_algorithm_desc AS a FROM sys.database_mirroring_endpoints'))[0]?.a),
  );
const endpointChanges = async () => {
  const audit = await pair.mb('audit', '--format', 'ndjson');
  return audit.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; sql: string | null; result: string | null })
    .filter((r) => r.kind === 'statement' && r.result === 'ok' && /^ALTER ENDPOINT/.test(r.sql ?? ''))
    .map((r) => r.sql);
};

test("with algorithm RC4 and allowRc4 the guide's endpoints are kept and the pair mirrors on RC4", async () => {
  writeFileSync(pair.config, `${original}endpoint: { algorithm: RC4, allowRc4: true }\n`);
  const setup = await pair.mb('run', 'setup', '--yes');
  assert.is(setup.code, 0, setup.stdout.slice(-3000) + setup.stderr);
  for (const d of ['Patriot', 'PatriotArchive']) await pair.waitFor('SQLMIR01', d, 'SYNCHRONIZED', 'MIRROR');
  assert.equal(await algorithms(), ['RC4', 'RC4']);
  assert.equal(await endpointChanges(), []);
});

test('moving to AES under the running session: refused without the typed name, then widened and narrowed, SYNCHRONIZED on AES', async () => {
  writeFileSync(pair.config, original);
  const unconfirmed = await pair.mb('run', 'certificate-setup', '--yes');
  assert.not.equal(unconfirmed.code, 0);
  assert.match(
    unconfirmed.stdout + unconfirmed.stderr,
    /step 'principal\.endpoint-encryption-live' is destructive \(ALTER ENDPOINT restarts Endpoint_Mirroring on SQLPRI01 twice, to accept both algorithms and then only AES[^)]*\) and needs a typed confirmation/,
  );
  assert.equal(await endpointChanges(), []);
  assert.equal(await algorithms(), ['RC4', 'RC4']);

  const confirmed = await pair.mb('resume', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(confirmed.code, 0, confirmed.stdout.slice(-3000) + confirmed.stderr);
  assert.equal(await endpointChanges(), [
    'ALTER ENDPOINT [Endpoint_Mirroring] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES RC4)',
    'ALTER ENDPOINT [Endpoint_Mirroring] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES RC4)',
    'ALTER ENDPOINT [Endpoint_Mirroring] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES)',
    'ALTER ENDPOINT [Endpoint_Mirroring] FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES)',
  ]);
  assert.equal(await algorithms(), ['AES', 'AES']);
  for (const d of ['Patriot', 'PatriotArchive']) await pair.waitFor('SQLMIR01', d, 'SYNCHRONIZED', 'MIRROR');
});

test.run();
