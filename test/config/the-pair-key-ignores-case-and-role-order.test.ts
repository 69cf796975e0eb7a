// One run per pair holds across config spellings: the lock key of a config with lower-case
// instance names, or with the roles swapped after a failover, is the same pair's.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/load.js';
import { pairName } from '../../config/types.js';

const dir = mkdtempSync(join(tmpdir(), 'mb-pair-key-'));
writeFileSync(join(dir, 'sql.password'), 'Sql-Login-Pass1\n');
const env = { MB_MK: 'Master-Key-Pass#2026', MB_EP: 'Endpoint-Login-Pass#1' } as NodeJS.ProcessEnv;
const configWith = (principal: string, mirror: string) =>
  parseConfig(
    `preset: patriot
pair:
  principal: { server: 127.0.0.1, port: 50123, instance: ${principal}, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://a.lab.local:1430" }
  mirror: { server: 127.0.0.1, port: 50124, instance: ${mirror}, login: mirrorbook, password: "file:sql.password", mirroringAddress: "TCP://b.lab.local:1430" }
secrets: { masterKeyPassword: "env:MB_MK", endpointLoginPassword: "env:MB_EP" }
backup: { directory: 'D:\\Backup', mirrorReadsFrom: '\\\\SQLPRI01\\Backup' }
`,
    join(dir, 'mirrorbook.yaml'),
    { env },
  );

test('lower-case names and swapped roles give the same pair key; another pair does not', () => {
  const key = pairName(configWith('SQLPRI01', 'SQLMIR01'));
  assert.is(pairName(configWith('sqlpri01', 'sqlmir01')), key);
  assert.is(pairName(configWith('SQLMIR01', 'SQLPRI01')), key);
  assert.is.not(pairName(configWith('SQLPRI02', 'SQLMIR01')), key);
});

test.run();
