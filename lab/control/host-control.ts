// `lab host <instance|*> …`: the Windows around an instance, changed as an administrator would —
// join the workgroup or the domain, set the default data/log folders (Server Properties), create a
// folder, size a volume, grant a share; and the local account a service runs as (`lab
// service-account <instance> .\name <password>`), kept as a digest.

import type { HostState, InstanceState, LabState } from '../model.js';
import { addDirectory } from '../site.js';
import { DEFAULT_DOMAIN, hostWindows, passwordDigest } from '../storage/share-access.js';
import { ControlError, type HostChange } from './control-protocol.js';

function hostOfInstance(lab: LabState, instance: InstanceState): HostState {
  const host = lab.hosts[instance.host];
  if (!host) throw new ControlError(`instance ${instance.name} has no host`);
  return host;
}

const windowsPath = (value: string | undefined, what: string): string => {
  if (!value || !/^[A-Za-z]:\\/.test(value)) throw new ControlError(`${what} must be a local Windows path such as D:\\SQLData`, undefined, true);
  return value.replace(/\\+$/, '');
};

export function changeHost(lab: LabState, instance: InstanceState, change: HostChange): HostState {
  const host = hostOfInstance(lab, instance);
  const windows = hostWindows(host);
  switch (change.kind) {
    case 'workgroup':
      windows.domain = null;
      windows.administrators = windows.administrators.filter((a) => !a.includes('\\') || a.startsWith(`${host.name}\\`));
      break;
    case 'domain':
      windows.domain = change.name ?? DEFAULT_DOMAIN;
      break;
    case 'paths': {
      const data = windowsPath(change.data, 'the data path');
      const log = windowsPath(change.log, 'the log path');
      addDirectory(host, data);
      addDirectory(host, log);
      instance.defaultPaths = { data, log };
      break;
    }
    case 'mkdir':
      addDirectory(host, windowsPath(change.path, 'the folder'));
      break;
    case 'volume': {
      const drive = /^([A-Za-z]):?$/.exec(change.drive ?? '')?.[1]?.toUpperCase();
      if (!drive || !(change.totalGB! > 0) || !(change.freeGB! >= 0) || change.freeGB! > change.totalGB!) {
        throw new ControlError('a volume is <drive letter> <total GB> <free GB>, free at most total', 'e.g. lab host SQLMIR01 volume D 200 5', true);
      }
      const key = `${drive}:`;
      addDirectory(host, key);
      const usedByFiles = Object.values(host.files)
        .filter((f) => f.path.toUpperCase().startsWith(key))
        .reduce((sum, f) => sum + (f.kind === 'data' ? f.sizeMB : 0), 0);
      windows.volumes[key] = { totalMB: change.totalGB! * 1024, otherUsedMB: Math.max(0, (change.totalGB! - change.freeGB!) * 1024 - usedByFiles) };
      break;
    }
    case 'share': {
      const name = (change.name ?? '').toUpperCase();
      if (!host.shares[name]) throw new ControlError(`${host.name} has no share ${change.name}`, `its shares: ${Object.keys(host.shares).join(', ')}`, true);
      windows.sharePermissions[name] = change.grant ?? [];
      break;
    }
  }
  return host;
}

/** A local account (`.\name` or `HOST\name`) with its password, as `net user name password /add`. */
export function setLocalAccount(lab: LabState, instance: InstanceState, account: string, password: string): void {
  const [prefix, name] = account.includes('\\') ? (account.split('\\', 2) as [string, string]) : ['.', account];
  if (prefix !== '.' && prefix.toUpperCase() !== instance.host.toUpperCase()) {
    throw new ControlError(`a password is for a local account (.\\${name} or ${instance.host}\\${name}); ${account} is a domain account`, undefined, true);
  }
  hostWindows(hostOfInstance(lab, instance)).localAccounts[name.toUpperCase()] = { name, passwordDigest: passwordDigest(password) };
}
