// Each simulated host's Windows file system, reached locally (C:\Temp\x.bak) or over SMB
// (\\HOST\share\dir\x.bak, resolved through the target host's shares and the administrative shares
// C$, D$ …; lab/storage/share-access.ts decides who may open them). Paths are case-insensitive:
// keys are upper-cased, entries keep the spelling they were written with. Failures carry the
// Windows error an OS would give, so callers can word 3201 / 15240-style messages like SQL Server.

import type { FileEntry, HostState, InstanceState, LabState } from '../model.js';
import { assertShareAccess } from './share-access.js';

/** Who touches a file: a SQL Server instance (its service account opens shares) or, named by a host,
 * an administrator at that host's console (`lab copy`), who may open any share. */
export type Caller = string | InstanceState;

const callerHost = (caller: Caller): string => (typeof caller === 'string' ? caller : caller.host);

export class FileSystemError extends Error {
  readonly osError: number;
  readonly osMessage: string;

  constructor(osError: number, osMessage: string) {
    super(`Operating system error ${osError}(${osMessage}).`);
    this.name = 'FileSystemError';
    this.osError = osError;
    this.osMessage = osMessage;
  }
}

export const fileNotFound = () => new FileSystemError(2, 'The system cannot find the file specified.');
export const pathNotFound = () => new FileSystemError(3, 'The system cannot find the path specified.');
export const networkPathNotFound = () => new FileSystemError(53, 'The network path was not found.');
export const networkNameNotFound = () => new FileSystemError(67, 'The network name cannot be found.');
export const invalidName = () => new FileSystemError(123, 'The filename, directory name, or volume label syntax is incorrect.');

export interface ResolvedPath {
  host: HostState;
  /** Local path on `host`, original spelling, backslashes, no trailing backslash. */
  localPath: string;
  /** Upper-cased `localPath`: the key in `host.files`. */
  key: string;
}

/** DNS-ish host lookup: case-insensitive, FQDN (`sqlpri01.lab.local`) matches its short name. */
export function findHost(lab: LabState, name: string): HostState | undefined {
  const short = name.split('.')[0]!.toUpperCase();
  return Object.values(lab.hosts).find((h) => h.name.toUpperCase() === short);
}

/** A host is unreachable over the network when every instance on it is down or isolated. */
export function hostReachable(lab: LabState, host: HostState): boolean {
  const instances = Object.values(lab.instances).filter((i) => i.host.toUpperCase() === host.name.toUpperCase());
  if (instances.length === 0) return true;
  return instances.some((i) => {
    const fault = lab.faults[i.name];
    return !fault || (!fault.down && !fault.isolated);
  });
}

function normaliseLocal(path: string): string {
  const parts = path
    .replace(/\//g, '\\')
    .split('\\')
    .filter((p) => p !== '' && p !== '.');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') {
      if (out.length > 1) out.pop();
    } else out.push(p);
  }
  return out.join('\\');
}

const LOCAL = /^[A-Za-z]:(\\|\/|$)/;
const UNC = /^(\\\\|\/\/)([^\\/]+)[\\/]+([^\\/]+)([\\/].*)?$/;

/** Resolves `path` as seen from `from`. Relative paths are taken against `defaultDirectory`. */
export function resolvePath(lab: LabState, from: Caller, path: string, defaultDirectory?: string): ResolvedPath {
  const fromHost = callerHost(from);
  const trimmed = path.trim();
  if (trimmed === '' || /[<>"|?*]/.test(trimmed.replace(/^\\\\\?\\/, ''))) throw invalidName();
  const unc = UNC.exec(trimmed);
  if (unc) {
    const target = findHost(lab, unc[2]!);
    if (!target) throw networkPathNotFound();
    const self = findHost(lab, fromHost);
    if (target !== self && !hostReachable(lab, target)) throw networkPathNotFound();
    const share = unc[3]!.toUpperCase();
    const adminShare = /^([A-Z])\$$/.exec(share);
    const shareDir = adminShare ? (directoryExists(target, `${adminShare[1]}:`) ? `${adminShare[1]}:` : undefined) : target.shares[share];
    if (shareDir === undefined) throw networkNameNotFound();
    if (typeof from !== 'string' && target !== self) assertShareAccess(lab, from, target, share);
    const localPath = normaliseLocal(`${shareDir}\\${unc[4] ?? ''}`);
    return { host: target, localPath, key: localPath.toUpperCase() };
  }
  const host = findHost(lab, fromHost);
  if (!host) throw networkPathNotFound();
  if (LOCAL.test(trimmed)) {
    const localPath = normaliseLocal(trimmed);
    return { host, localPath, key: localPath.toUpperCase() };
  }
  if (/^[\\/]/.test(trimmed) || defaultDirectory === undefined) throw invalidName();
  const localPath = normaliseLocal(`${defaultDirectory}\\${trimmed}`);
  return { host, localPath, key: localPath.toUpperCase() };
}

function parentKey(key: string): string {
  const at = key.lastIndexOf('\\');
  return at < 0 ? key : key.slice(0, at);
}

function directoryExists(host: HostState, key: string): boolean {
  if (/^[A-Z]:$/.test(key)) return key === 'C:' || host.directories.some((d) => d === key || d.startsWith(`${key}\\`));
  return host.directories.includes(key);
}

export function fileExists(lab: LabState, from: Caller, path: string, defaultDirectory?: string): boolean {
  const r = resolvePath(lab, from, path, defaultDirectory);
  return r.host.files[r.key] !== undefined;
}

export function isDirectory(lab: LabState, from: Caller, path: string): boolean {
  const r = resolvePath(lab, from, path);
  return directoryExists(r.host, r.key);
}

/** Throws os error 3 when the directory is missing, 2 when the file is. */
export function readFile(lab: LabState, from: Caller, path: string, defaultDirectory?: string): FileEntry {
  const r = resolvePath(lab, from, path, defaultDirectory);
  const entry = r.host.files[r.key];
  if (entry) return entry;
  if (!directoryExists(r.host, parentKey(r.key))) throw pathNotFound();
  throw fileNotFound();
}

export type NewEntry = FileEntry extends infer E ? (E extends FileEntry ? Omit<E, 'path'> : never) : never;

/** Creates or overwrites a file; the directory must exist (os error 3). Returns what was stored. */
export function writeFile(lab: LabState, from: Caller, path: string, content: NewEntry, defaultDirectory?: string): FileEntry {
  const r = resolvePath(lab, from, path, defaultDirectory);
  if (!directoryExists(r.host, parentKey(r.key))) throw pathNotFound();
  if (directoryExists(r.host, r.key)) throw new FileSystemError(5, 'Access is denied.');
  const entry = { ...content, path: r.localPath } as FileEntry;
  r.host.files[r.key] = entry;
  return entry;
}

/** A copy made by an administrator at `host`'s console (Explorer, robocopy): either path may be UNC. */
export function copyFile(lab: LabState, host: string, source: string, to: string): FileEntry {
  const { path, ...content } = readFile(lab, host, source);
  return writeFile(lab, host, to, (content.kind === 'backup' ? { ...content, copyOf: path } : content) as NewEntry);
}

export function deleteFile(lab: LabState, from: Caller, path: string): void {
  const r = resolvePath(lab, from, path);
  if (!r.host.files[r.key]) throw directoryExists(r.host, parentKey(r.key)) ? fileNotFound() : pathNotFound();
  delete r.host.files[r.key];
}

/** Like `mkdir -p` (and xp_create_subdir): creates every missing level. */
export function makeDirectory(lab: LabState, from: Caller, path: string): void {
  const r = resolvePath(lab, from, path);
  if (r.host.files[r.key]) throw new FileSystemError(183, 'Cannot create a file when that file already exists.');
  const parts = r.key.split('\\');
  for (let i = 2; i <= parts.length; i++) {
    const dir = parts.slice(0, i).join('\\');
    if (!r.host.directories.includes(dir)) r.host.directories.push(dir);
  }
}

/** The files and subdirectories directly in a directory (original spelling of files; directory
 * names as stored, upper-cased). */
export function listDirectory(lab: LabState, from: Caller, path: string): { files: FileEntry[]; directories: string[] } {
  const r = resolvePath(lab, from, path);
  if (!directoryExists(r.host, r.key)) throw pathNotFound();
  const prefix = `${r.key}\\`;
  const direct = (k: string) => k.startsWith(prefix) && !k.slice(prefix.length).includes('\\');
  return {
    files: Object.entries(r.host.files)
      .filter(([k]) => direct(k))
      .map(([, e]) => e),
    directories: r.host.directories.filter(direct).map((d) => d.slice(prefix.length)),
  };
}

/** Throws what writeFile would for the path, without writing (a backup checks before it works). */
export function assertWritable(lab: LabState, from: Caller, path: string, defaultDirectory?: string): ResolvedPath {
  const r = resolvePath(lab, from, path, defaultDirectory);
  if (!directoryExists(r.host, parentKey(r.key))) throw pathNotFound();
  if (directoryExists(r.host, r.key)) throw new FileSystemError(5, 'Access is denied.');
  return r;
}
