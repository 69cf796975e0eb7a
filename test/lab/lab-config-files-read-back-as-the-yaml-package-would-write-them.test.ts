// The lab writes mirrorbook.yaml and mirrorbook-domain.yaml without the yaml package (a lab start is
// ~25 ms of CPU cheaper): what it writes must read back, through the package config/ reads them
// with, as the values given — and come out as the package itself writes them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import YAML from 'yaml';
import { labConfig, labDomainConfig, yamlMapping, type LabConfigInput } from '../../lab/control/lab-config-file.js';
import { labDir } from '../../lab/control/lab-dir.js';
import type { InstanceStatus } from '../../lab/control/lab-status.js';

const dir = labDir('/tmp/mirrorbook lab #1/D');

function instance(name: string, role: InstanceStatus['role'], port: number): InstanceStatus {
  return {
    name,
    hostName: name,
    host: '127.0.0.1',
    port,
    login: 'mirrorbook',
    passwordFile: `${dir.credentials}/${name}.password`,
    mirroringAddress: `TCP://${name.toLowerCase()}.lab.local:1430`,
    up: true,
    role,
    version: '2019',
    edition: 'Enterprise',
    serviceAccount: 'NT Service\\MSSQLSERVER',
    lastStartupTime: '2026-03-01T10:00:00.000Z',
    faults: { down: false, isolated: false, slowMs: 0 },
    connections: 0,
  };
}

const input: LabConfigInput = {
  instances: [instance('SQLPRI01', 'principal', 41001), instance('SQLMIR01', 'mirror', 41002), instance('SQLWIT01', 'witness', 41003)],
  backup: {
    directory: 'C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Backup',
    mirrorReadsFrom: '\\\\SQLPRI01\\Backup',
    mirrorDirectory: 'D:\\Backup',
    principalReadsFrom: '\\\\SQLMIR01\\Backup',
  },
};

test('both configs read back as given and match what the yaml package writes', () => {
  for (const config of [labConfig(dir, input), labDomainConfig(dir, input)]) {
    assert.equal(YAML.parse(yamlMapping(config)), config);
    assert.is(yamlMapping(config), YAML.stringify(config));
  }
});

test('values YAML would read as something else are quoted', () => {
  const tricky = {
    colon: 'key: value',
    comment: 'it is #1',
    trailingColon: 'end:',
    boolean: 'true',
    yes: 'Yes',
    nothing: 'null',
    number: '1430',
    leadingSpace: ' padded',
    trailingSpace: 'padded ',
    quote: `it's "quoted"`,
    dash: '- item',
    unicode: 'Français ✓',
    empty: '',
    nested: { share: '\\\\HOST\\share', drive: 'C:\\', port: 1433, encrypt: false },
  };
  assert.equal(YAML.parse(yamlMapping(tricky)), tricky);
});

test.run();
