// sys.dm_os_volume_stats(database_id, file_id) (learn.microsoft.com sys-dm-os-volume-stats-transact-sql):
// the volume each database file is on, total_bytes and available_bytes. The relation lists every
// file of the instance; CROSS APPLY with the two arguments picks the row (lab/sql/select.ts).

import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { hostOf } from '../storage/databases.js';
import { driveOf, MB, volumeOf } from '../storage/volumes.js';
import { bigint, int, nvarchar, tinyint } from './columns.js';
import type { CatalogContext } from './context.js';

export function sysDmOsVolumeStats(ctx: CatalogContext): Relation {
  const columns = [
    int('database_id'),
    int('file_id'),
    nvarchar('volume_mount_point', 512),
    nvarchar('volume_id', 512),
    nvarchar('logical_volume_name', 512),
    nvarchar('file_system_type', 512),
    bigint('total_bytes'),
    bigint('available_bytes'),
    tinyint('supports_compression'),
    tinyint('supports_alternate_streams'),
    tinyint('supports_sparse_files'),
    tinyint('is_read_only'),
    tinyint('is_compressed'),
  ];
  const host = hostOf(ctx.lab, ctx.instance);
  const rows: SqlValue[][] = [];
  for (const database of Object.values(ctx.instance.databases)) {
    database.files.forEach((file, index) => {
      const volume = volumeOf(host, file.physicalName);
      if (!volume) return;
      const drive = driveOf(file.physicalName);
      rows.push([
        database.databaseId,
        index + 1,
        `${drive}\\`,
        `\\\\?\\Volume{${host.name}-${drive.slice(0, 1)}}\\`,
        drive === 'C:' ? 'OS' : 'SQL',
        'NTFS',
        Math.round(volume.totalMB * MB),
        Math.round(volume.freeMB * MB),
        1,
        1,
        1,
        0,
        0,
      ]);
    });
  }
  return { columns, rows };
}
