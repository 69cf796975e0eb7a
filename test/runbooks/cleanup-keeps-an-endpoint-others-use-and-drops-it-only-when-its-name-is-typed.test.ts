// cleanup and the instance's one mirroring endpoint: while any session (even of a database the
// config does not list) or an availability group's replica (sys.availability_replicas.endpoint_url)
// still runs through it, cleanup refuses before asking anything, names it and sends no DROP; once
// nothing uses it, it is dropped only when the operator types its name.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { outcomes, type PairLab } from './pair-lab.js';
import { startSetUpPair } from '../helpers/set-up-pair.js';

let pair: PairLab;
let original = '';
test.before(async () => {
  // A set-up pair: what is proved here is cleanup, not the setup before it.
  pair = await startSetUpPair();
  original = readFileSync(pair.config, 'utf8');
});
test.after(async () => {
  await pair?.stop();
});

const endpoints = async (instance: string) => (await pair.sql(instance, 'SELECT name FROM sys.database_mirroring_endpoints')).map((r) => r.name);
const drops = async () => {
  const audit = await pair.mb('audit', '--format', 'ndjson');
  return audit.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; sql: string | null })
    .filter((r) => r.kind === 'statement' && /DROP ENDPOINT/.test(r.sql ?? ''));
};

test('a session the config does not list still uses the endpoint: cleanup refuses and drops nothing', async () => {
  writeFileSync(pair.config, `${original}databases: [PatriotArchive]\n`);
  const disable = await pair.mb('run', 'disable', '--yes', '--confirm', 'SQLPRI01');
  assert.is(disable.code, 0, disable.stdout.slice(-2000) + disable.stderr);
  const cleanup = await pair.mb('run', 'cleanup', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(cleanup.code, 1, cleanup.stdout.slice(-2000));
  assert.match(
    cleanup.stdout + cleanup.stderr,
    /endpoint Endpoint_Mirroring on the principal still carries Patriot \(a mirroring session\): dropping it would cut them off/,
  );
  assert.equal(await drops(), []);
  assert.equal(await endpoints('SQLPRI01'), ['Endpoint_Mirroring']);
});

test('an availability group has a replica on the principal: cleanup refuses naming the group and its endpoint_url', async () => {
  writeFileSync(pair.config, original);
  const disable = await pair.mb('run', 'disable', '--yes', '--confirm', 'SQLPRI01');
  assert.is(disable.code, 0, disable.stdout.slice(-2000) + disable.stderr);
  await pair.lab.control({
    op: 'availability-group',
    instance: 'SQLPRI01',
    name: 'PatriotReports',
    endpointUrl: 'TCP://sqlpri01.lab.local:1430',
    otherReplicas: { SQLREP01: 'TCP://sqlrep01.lab.local:5022' },
  });
  const replicas = await pair.sql(
    'SQLPRI01',
    'SELECT ar.replica_server_name, ar.endpoint_url FROM sys.availability_replicas ar JOIN sys.availability_groups ag ON ag.group_id = ar.group_id ORDER BY ar.replica_server_name',
  );
  assert.equal(replicas, [
    { replica_server_name: 'SQLPRI01', endpoint_url: 'TCP://sqlpri01.lab.local:1430' },
    { replica_server_name: 'SQLREP01', endpoint_url: 'TCP://sqlrep01.lab.local:5022' },
  ]);
  const cleanup = await pair.mb('run', 'cleanup', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(cleanup.code, 1, cleanup.stdout.slice(-2000));
  assert.match(
    cleanup.stdout + cleanup.stderr,
    /endpoint Endpoint_Mirroring on the principal still carries availability group PatriotReports \(its replica here, endpoint_url TCP:\/\/sqlpri01\.lab\.local:1430\): dropping it would cut them off/,
  );
  assert.match(cleanup.stdout + cleanup.stderr, /ALTER AVAILABILITY GROUP … REMOVE REPLICA ON/);
  assert.equal(await drops(), []);
  assert.equal(await endpoints('SQLPRI01'), ['Endpoint_Mirroring']);
  await pair.lab.control({ op: 'availability-group', instance: 'SQLPRI01', name: 'PatriotReports' });
});

test('a local replica spelt in another case, or a database in a group (group_database_id) whose replica name no longer matches, still refuses the drop', async () => {
  writeFileSync(pair.config, original);
  await pair.lab.control({
    op: 'availability-group',
    instance: 'SQLPRI01',
    name: 'LowerCase',
    endpointUrl: 'TCP://sqlpri01.lab.local:5022',
    replicaServerName: 'sqlpri01',
  });
  const lower = await pair.mb('run', 'cleanup', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(lower.code, 1, lower.stdout.slice(-2000));
  assert.match(lower.stdout + lower.stderr, /still carries availability group LowerCase \(its replica here/);
  await pair.lab.control({ op: 'availability-group', instance: 'SQLPRI01', name: 'LowerCase' });
  await pair.lab.control({
    op: 'availability-group',
    instance: 'SQLPRI01',
    name: 'Renamed',
    endpointUrl: 'TCP://oldhost.lab.local:5022',
    replicaServerName: 'OLDHOST',
    databases: ['Patriot'],
  });
  const renamed = await pair.mb('resume', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(renamed.code, 1, renamed.stdout.slice(-2000));
  assert.match(renamed.stdout + renamed.stderr, /still carries Patriot \(an availability group database\)/);
  assert.not.match(renamed.stdout + renamed.stderr, /availability group Renamed/);
  assert.equal(await drops(), []);
  assert.equal(await endpoints('SQLPRI01'), ['Endpoint_Mirroring']);
  await pair.lab.control({ op: 'availability-group', instance: 'SQLPRI01', name: 'Renamed' });
});

test('nothing uses it any more: without the typed name cleanup stops before the DROP; with it the endpoints go', async () => {
  writeFileSync(pair.config, original);
  const disable = await pair.mb('run', 'disable', '--yes', '--confirm', 'SQLPRI01');
  assert.is(disable.code, 0, disable.stdout.slice(-2000) + disable.stderr);
  const unconfirmed = await pair.mb('run', 'cleanup', '--yes');
  assert.not.equal(unconfirmed.code, 0);
  assert.match(
    unconfirmed.stdout + unconfirmed.stderr,
    /is destructive \(DROP ENDPOINT removes the only DATABASE_MIRRORING endpoint of the principal[^)]*\) and needs a typed confirmation/,
  );
  assert.equal(await drops(), []);
  const confirmed = await pair.mb('resume', '--yes', '--confirm', 'Endpoint_Mirroring');
  assert.is(confirmed.code, 0, confirmed.stdout.slice(-2000) + confirmed.stderr);
  assert.is(outcomes(confirmed.stdout).get('cleanup.principal.endpoint.Endpoint_Mirroring'), 'done');
  for (const instance of ['SQLPRI01', 'SQLMIR01']) assert.equal(await endpoints(instance), []);
  assert.is((await drops()).length, 2);
});

test.run();
