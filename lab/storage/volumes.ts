// Each host's volumes (C:, D:, E: …): size, and free space that follows what the lab stores on them
// (database files at their size, backup media at their size, a third of it when compressed). Read
// by xp_fixeddrives (MB free per drive) and sys.dm_os_volume_stats (bytes per volume); RESTORE
// refuses a database that does not fit (3257, with the byte counts SQL Server gives).

import type { FileEntry, HostState } from '../model.js';
import { SqlError } from '../errors.js';
import { hostWindows } from './share-access.js';

export const MB = 1024 * 1024;

export function driveOf(localPath: string): string {
  return `${localPath.slice(0, 1).toUpperCase()}:`;
}

function entryMB(entry: FileEntry): number {
  if (entry.kind === 'data') return entry.sizeMB;
  if (entry.kind === 'backup') return entry.media.reduce((sum, set) => sum + (set.compressed ? set.sizeMB / 3 : set.sizeMB), 0);
  return 0.01;
}

export interface Volume {
  drive: string;
  totalMB: number;
  freeMB: number;
}

export function volumes(host: HostState): Volume[] {
  const windows = hostWindows(host);
  return Object.entries(windows.volumes).map(([drive, v]) => {
    const used = Object.values(host.files)
      .filter((f) => driveOf(f.path) === drive)
      .reduce((sum, f) => sum + entryMB(f), 0);
    return { drive, totalMB: v.totalMB, freeMB: Math.max(0, v.totalMB - v.otherUsedMB - used) };
  });
}

export function volumeOf(host: HostState, localPath: string): Volume | undefined {
  return volumes(host).find((v) => v.drive === driveOf(localPath));
}

/** RESTORE checks that each volume has room for the files it will create there (less what it replaces). */
export function assertRoomFor(host: HostState, files: { physicalName: string; sizeMB: number }[], freedMB: (drive: string) => number): void {
  const needed = new Map<string, number>();
  for (const f of files) needed.set(driveOf(f.physicalName), (needed.get(driveOf(f.physicalName)) ?? 0) + f.sizeMB);
  for (const [drive, mb] of needed) {
    const volume = volumeOf(host, `${drive}\\`);
    if (!volume) continue;
    const available = volume.freeMB + freedMB(drive);
    if (mb > available) {
      throw new SqlError(
        3257,
        `There is insufficient free space on disk volume '${drive}\\' to create the database. The database requires ${Math.round(mb * MB)} additional free bytes, while only ${Math.round(available * MB)} bytes are available.`,
      );
    }
  }
}
