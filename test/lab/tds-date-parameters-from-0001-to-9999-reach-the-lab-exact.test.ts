// date, datetime, datetime2 and datetimeoffset parameters at the edges of the calendar, sent by the
// mssql the tests bundle as the CLI does (tedious counting their days with the js-joda shim of
// scripts/bundle-options.mjs, not @js-joda/core), reach the lab's TDS layer as the same instants:
// years below 100 (where Date.UTC would mean 19xx), leap days, 1900 (no leap day), negative days
// before datetime's 1900 epoch, and the last day SQL Server stores.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sql from 'mssql';
import { freshBundle } from '../helpers/fresh-bundle.js';
import { REPO_ROOT } from '../helpers/lab.js';
import { startFakeServer, type FakeServer } from '../fixtures/tds/fake-server.js';

let server: FakeServer;
test.before(async () => {
  server = await startFakeServer();
});
test.after(async () => {
  await server.close();
});

/** Instants every one of date, datetime2 and datetimeoffset stores (date: the midnight ones). */
const FROM_YEAR_ONE = [
  '0001-01-01T00:00:00.000Z',
  '0001-12-31T00:00:00.000Z',
  '0004-02-29T00:00:00.000Z',
  '0099-12-31T23:59:59.999Z',
  '0100-03-01T00:00:00.000Z',
  '1582-10-10T00:00:00.000Z',
  '1752-09-03T12:00:00.500Z',
  '1899-12-31T00:00:00.000Z',
  '1900-03-01T00:00:00.000Z',
  '2000-02-29T00:00:00.000Z',
  '2100-03-01T00:00:00.000Z',
  '9999-12-31T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
];
/** datetime's range starts in 1753 and counts in 1/300 s: these are exact in it. */
const DATETIME = [
  '1753-01-01T00:00:00.000Z',
  '1899-12-31T23:59:59.997Z',
  '1900-01-01T00:00:00.000Z',
  '1900-03-01T00:00:00.000Z',
  '2000-02-29T12:34:56.780Z',
  '9999-12-31T23:59:59.997Z',
];

const midnight = (iso: string) => iso.endsWith('T00:00:00.000Z');

test('every type: the instant sent is the instant the lab decodes', async () => {
  const pool = await server.connect('plain');
  const sent = new Map<string, string>();
  const request = pool.request();
  FROM_YEAR_ONE.forEach((iso, i) => {
    if (midnight(iso)) request.input(`day${i}`, sql.Date, new Date(iso));
    request.input(`dt2_${i}`, sql.DateTime2(7), new Date(iso));
    request.input(`dto${i}`, sql.DateTimeOffset(3), new Date(iso));
    for (const name of [...(midnight(iso) ? [`day${i}`] : []), `dt2_${i}`, `dto${i}`]) sent.set(`@${name}`, iso);
  });
  DATETIME.forEach((iso, i) => {
    request.input(`dt${i}`, sql.DateTime, new Date(iso));
    sent.set(`@dt${i}`, iso);
  });
  await request.query('select params');
  const received = server.handler.batches.at(-1)?.params;
  assert.ok(received, 'the lab received the request');
  for (const [name, iso] of sent) assert.is((received.get(name) as Date | undefined)?.toISOString(), iso, name);
  assert.is(received.size, sent.size);
});

/** The bundled mssql that tests and the CLI load (vendor-mssql-<hash>.cjs beside the module that
 * loads it): the shim's module in it, js-joda's not. */
function assertShimmed(dir: string): void {
  const files = readdirSync(dir).filter((name) => /^vendor-mssql-\w+\.cjs$/.test(name));
  assert.is(files.length, 1, `one mssql file in ${dir}`);
  const text = readFileSync(join(dir, files[0]!), 'utf8');
  assert.ok(text.includes('js-joda-core.cjs'), `${files[0]} bundles scripts/shims/js-joda-core.cjs`);
  assert.not.ok(text.includes('node_modules/@js-joda/core/'), `${files[0]} bundles no @js-joda/core`);
}

test('the mssql the tests bundle, and the built CLI’s, carry the shim instead of @js-joda/core', () => {
  assertShimmed(dirname(fileURLToPath(import.meta.resolve('mssql'))));
  if (freshBundle(REPO_ROOT)) assertShimmed(join(REPO_ROOT, 'dist'));
});

test.run();
