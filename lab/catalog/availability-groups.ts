// sys.availability_groups and sys.availability_replicas (2012 and later): the site's Always On
// availability groups, as the lab was told of them (control op 'availability-group'; nothing
// replicates). A replica's endpoint_url is "the user-specified database mirroring endpoint that is
// used by connections between primary and secondary replicas" — the same one DATABASE_MIRRORING
// endpoint a mirroring session uses, which is why cleanup must not drop it from under a replica.
// learn.microsoft.com: sys.availability_groups, sys.availability_replicas (columns as documented,
// a subset).
import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { atLeast } from '../instance/version.js';
import { int, nvarchar, sysname, tinyint, uniqueidentifier, varbinary } from './columns.js';
import type { CatalogContext } from './context.js';

/** Undefined before 2012: the views do not exist there (Msg 208). */
export function sysAvailabilityGroups(ctx: CatalogContext): Relation | undefined {
  if (!atLeast(ctx.instance.version, '2012')) return undefined;
  const columns = [
    uniqueidentifier('group_id'),
    sysname('name'),
    nvarchar('resource_id', 40),
    nvarchar('resource_group_id', 40),
    int('failure_condition_level', true),
    tinyint('cluster_type', true),
    nvarchar('cluster_type_desc', 60),
  ];
  const rows = (ctx.instance.availabilityGroups ?? []).map((g): SqlValue[] => [g.groupId, g.name, null, null, 3, 2, 'none']);
  return { columns, rows };
}

export function sysAvailabilityReplicas(ctx: CatalogContext): Relation | undefined {
  if (!atLeast(ctx.instance.version, '2012')) return undefined;
  const columns = [
    uniqueidentifier('replica_id'),
    uniqueidentifier('group_id'),
    int('replica_metadata_id', true),
    nvarchar('replica_server_name', 256),
    varbinary('owner_sid', 85),
    nvarchar('endpoint_url', 128),
    tinyint('availability_mode', true),
    nvarchar('availability_mode_desc', 60),
    tinyint('failover_mode', true),
    nvarchar('failover_mode_desc', 60),
  ];
  const local = ctx.instance.name.toLowerCase();
  const rows = (ctx.instance.availabilityGroups ?? []).flatMap((g) =>
    g.replicas.map((r, index): SqlValue[] => {
      const mine = r.serverName.toLowerCase() === local;
      return [
        r.replicaId,
        g.groupId,
        mine ? 65536 + index : null,
        r.serverName,
        mine ? Buffer.from([1]) : null,
        r.endpointUrl,
        0,
        'ASYNCHRONOUS_COMMIT',
        1,
        'MANUAL',
      ];
    }),
  );
  return { columns, rows };
}
