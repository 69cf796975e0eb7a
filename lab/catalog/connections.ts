// sys.dm_exec_connections (learn.microsoft.com "sys.dm_exec_connections"): one row per TDS
// connection, with the TDS version the login negotiated (protocol_version), whether the
// connection is encrypted, and the negotiated packet size.

import type { Relation } from '../sql/catalog.js';
import type { SqlValue } from '../tds/handler.js';
import { TDS_7_4 } from '../tds/tds-version.js';
import { datetime, int, nvarchar } from './columns.js';
import type { CatalogContext } from './context.js';

/** endpoint_id of "TSQL Default TCP", the endpoint every lab connection arrives through. */
const TSQL_DEFAULT_TCP = 4;

export function sysDmExecConnections(ctx: CatalogContext): Relation {
  const columns = [
    int('session_id'),
    int('most_recent_session_id'),
    datetime('connect_time', false),
    nvarchar('net_transport', 40, false),
    nvarchar('protocol_type', 40),
    int('protocol_version'),
    int('endpoint_id'),
    nvarchar('encrypt_option', 40, false),
    nvarchar('auth_scheme', 40, false),
    int('net_packet_size'),
    nvarchar('client_net_address', 48),
  ];
  const rows: SqlValue[][] = ctx.sessions().map((live) => {
    const s = live.info;
    // Login-only encryption (FreeTDS) protects the password, not the session.
    const encrypted = s.encryption === 'tls' || s.encryption === 'strict';
    return [
      s.spid,
      s.spid,
      live.loginTime,
      'TCP',
      'TSQL',
      s.tdsVersion ?? TDS_7_4,
      TSQL_DEFAULT_TCP,
      encrypted ? 'TRUE' : 'FALSE',
      'SQL',
      s.packetSize ?? 4096,
      '127.0.0.1',
    ];
  });
  rows.sort((a, b) => (a[0] as number) - (b[0] as number));
  return { columns, rows };
}
