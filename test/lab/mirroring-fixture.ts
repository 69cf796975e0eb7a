// A principal, a mirror and optionally a witness, with endpoints, logins and CONNECT grants in
// place (Windows or certificate authentication), built directly on the lab model.
import type { Certificate, InstanceState, LabState, Login } from '../../lab/model.js';
import { advanceLab } from '../../lab/mirroring/advance.js';
import { setPartner } from '../../lab/mirroring/set-partner.js';
import { backup } from '../../lab/storage/backup.js';
import { restore } from '../../lab/storage/restore.js';
import { database, instance, testEnv } from './storage-fixture.js';
import { attachDatabase } from '../../lab/instance/database.js';

export const PRI = 'SQLPRI01';
export const MIR = 'SQLMIR01';
export const WIT = 'SQLWIT01';
export const address = (host: string) => `TCP://${host.toLowerCase()}.lab.local:1430`;

const YEAR = 365 * 86_400_000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

function certificate(name: string, id: number, principalId: number, withKey: boolean): Certificate {
  return {
    name,
    certificateId: id,
    principalId,
    subject: name,
    issuer: name,
    serialHex: `0${id}`,
    startDate: new Date(T0 - YEAR).toISOString(),
    expiryDate: new Date(T0 + 20 * YEAR).toISOString(),
    thumbprintHex: `THUMB-${name.toUpperCase()}`,
    derBase64: '',
    privateKeyPem: withKey ? 'PRIVATE' : null,
    privateKeyEncryption: withKey ? 'MK' : 'NA',
    pvtKeyLastBackupDate: null,
  };
}

function login(name: string, principalId: number, type: Login['type']): Login {
  return {
    name,
    principalId,
    sidHex: `SID-${name.toUpperCase()}`,
    type,
    passwordHash: null,
    isDisabled: false,
    createDate: new Date(T0).toISOString(),
    defaultDatabase: 'master',
  };
}

function grantConnect(i: InstanceState, l: Login): void {
  i.logins[l.name] = l;
  i.serverPermissions.push({ class: 105, majorId: i.endpoint!.endpointId, granteePrincipalId: l.principalId, grantorPrincipalId: 1, type: 'CO', state: 'G' });
}

export function mirroringLab(options: { auth?: 'WINDOWS' | 'CERTIFICATE'; witness?: boolean; edition?: InstanceState['edition'] } = {}): LabState {
  const auth = options.auth ?? 'CERTIFICATE';
  const lab: LabState = {
    version: 1,
    nextIds: { spid: 60, databaseId: 10, principalId: 300, certificateId: 300, endpointId: 65536 },
    hosts: {},
    instances: {},
    faults: {},
  };
  const names = options.witness ? [PRI, MIR, WIT] : [PRI, MIR];
  const role = (n: string) => (n === PRI ? 'PRINCIPAL' : n === MIR ? 'MIRROR' : 'WITNESS');
  names.forEach((name, index) => {
    lab.hosts[name] = { name, files: {}, shares: { BACKUP: 'C:\\Backup' }, directories: ['C:\\BACKUP', 'C:\\DATA'] };
    const i = instance(name, name, 14331 + index);
    if (options.edition) i.edition = options.edition;
    lab.instances[name] = i;
    lab.faults[name] = { down: false, isolated: false, slowMs: 0 };
    attachDatabase(lab.hosts[name]!, i, database('master', 1, { isSystem: true, recoveryModel: 'SIMPLE', workloadTps: 0, users: {}, tables: {} }));
    i.endpoint = {
      name: 'Endpoint_Mirroring',
      endpointId: 65536,
      ownerPrincipalId: 1,
      state: 'STARTED',
      port: 1430,
      listenerIp: 'ALL',
      role: name === WIT ? 'WITNESS' : 'PARTNER',
      auth: auth === 'WINDOWS' ? [{ kind: 'WINDOWS', protocol: 'NEGOTIATE' }] : [{ kind: 'CERTIFICATE', certificate: `${role(name)}_cert` }],
      encryption: 'REQUIRED',
      algorithms: ['AES'],
    };
    if (auth === 'CERTIFICATE') i.databases.master!.certificates[`${role(name)}_cert`] = certificate(`${role(name)}_cert`, 256, 1, true);
  });
  for (const name of names) {
    const i = lab.instances[name]!;
    let nextId = 400;
    for (const peer of names.filter((n) => n !== name)) {
      const p = lab.instances[peer]!;
      if (auth === 'WINDOWS') {
        grantConnect(i, login(p.service.account, nextId++, 'U'));
      } else {
        const l = login(`${role(peer)}_login`, nextId++, 'S');
        grantConnect(i, l);
        const master = i.databases.master!;
        master.users[`${role(peer)}_user`] = {
          name: `${role(peer)}_user`,
          principalId: nextId,
          type: 'S',
          loginSidHex: l.sidHex,
          createDate: new Date(T0).toISOString(),
        };
        master.certificates[`${role(peer)}_cert`] = certificate(`${role(peer)}_cert`, 257 + nextId, nextId++, false);
      }
    }
  }
  attachDatabase(lab.hosts[PRI]!, lab.instances[PRI]!, database('Patriot', 5, { workloadTps: 10 }));
  return lab;
}

/** Seeds the mirror as the procedure's `restore` procedure does: full + one log backup, NORECOVERY. */
export async function seedMirror(lab: LabState, options: { skipLogRestore?: boolean } = {}): Promise<void> {
  const pri = testEnv(lab, PRI);
  const mir = testEnv(lab, MIR);
  await backup(pri, { database: 'Patriot', log: false, disk: '\\\\SQLMIR01\\Backup\\Patriot.dat', init: true });
  lab.instances[PRI]!.databases.Patriot!.log.endLsn += 1000;
  lab.instances[PRI]!.databases.Patriot!.committedTransactions += 10;
  await backup(pri, { database: 'Patriot', log: true, disk: '\\\\SQLMIR01\\Backup\\Patriot_log.dat', init: true });
  await restore(mir, { database: 'Patriot', log: false, disk: 'C:\\Backup\\Patriot.dat', recovery: false });
  if (!options.skipLogRestore) await restore(mir, { database: 'Patriot', log: true, disk: 'C:\\Backup\\Patriot_log.dat', recovery: false });
}

/** A running session (mirror first, then principal), not yet advanced in time. */
export async function mirroredLab(options: Parameters<typeof mirroringLab>[0] = {}): Promise<{ lab: LabState; clock: Clock }> {
  const lab = mirroringLab(options);
  await seedMirror(lab);
  const clock = new Clock(lab);
  setPartner(envAt(lab, MIR, clock), 'Patriot', address(PRI));
  setPartner(envAt(lab, PRI, clock), 'Patriot', address(MIR));
  advanceLab(lab, clock.now);
  return { lab, clock };
}

/** The lab's time, driven explicitly. */
export class Clock {
  now = new Date(T0);
  constructor(private readonly lab: LabState) {}
  advance(ms: number, stepMs = 1000): void {
    for (let left = ms; left > 0; left -= stepMs) {
      this.now = new Date(this.now.getTime() + Math.min(stepMs, left));
      advanceLab(this.lab, this.now);
    }
  }
}

export function envAt(lab: LabState, name: string, clock: Clock) {
  const env = testEnv(lab, name);
  env.clock.now = clock.now;
  env.now = () => clock.now;
  return env;
}

export const mirroringOf = (lab: LabState, name: string) => lab.instances[name]!.databases.Patriot!.mirroring;
