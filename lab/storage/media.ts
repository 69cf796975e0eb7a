// Backup media on the simulated file systems: a .bak/.dat file holds one or more backup sets
// (NOINIT appends, INIT overwrites, FILE = n picks one).

import type { BackupSet, FileEntry, LabState } from '../model.js';
import { SqlError } from '../errors.js';
import { FileSystemError, readFile, resolvePath, type Caller } from './files.js';

export type BackupMedia = Extract<FileEntry, { kind: 'backup' }>;

const malformed = (device: string) =>
  new SqlError(3241, `The media family on device '${device}' is incorrectly formed. SQL Server cannot process this media family.`);

/** Reads the media at `device` (OS errors surface as FileSystemError for the caller's 3201). */
export function readMedia(lab: LabState, from: Caller, device: string, defaultDirectory: string): BackupMedia {
  const entry = readFile(lab, from, device, defaultDirectory);
  if (entry.kind !== 'backup') throw malformed(device);
  return entry;
}

export function backupSetAt(media: BackupMedia, device: string, position: number | undefined): BackupSet {
  const wanted = position ?? 1;
  const set = media.media.find((s) => s.position === wanted);
  if (!set) throw new SqlError(4038, `Cannot find file ID ${wanted} on device '${device}'.`);
  return set;
}

/** The sets a new backup is appended to: none when INIT/FORMAT overwrite (or the file is new). */
export function setsKeptOnWrite(lab: LabState, from: Caller, device: string, defaultDirectory: string, overwrite: boolean, format: boolean): BackupSet[] {
  const target = resolvePath(lab, from, device, defaultDirectory);
  const existing = target.host.files[target.key];
  if (!existing) return [];
  if (existing.kind === 'data') throw new FileSystemError(32, 'The process cannot access the file because it is being used by another process.');
  if (existing.kind !== 'backup') {
    if (format) return [];
    throw malformed(device);
  }
  return overwrite || format ? [] : existing.media;
}
