// What an instance looks like to a DBA, read from its catalog views: databases and their mirroring,
// the mirroring endpoint, master key, certificates, logins, users, role members and endpoint grants.
// Left out because they differ between two labs or two runs without meaning anything: GUIDs, LSNs,
// dates, SIDs, thumbprints and serial numbers, ids (objects are named instead), queue sizes and
// the TDS port.

import { openPool, type TestLab } from '../helpers/lab.js';

const QUERIES: Record<string, string> = {
  databases: `SELECT d.name, d.state_desc, d.recovery_model_desc, d.user_access_desc, d.is_read_only,
      m.mirroring_state_desc, m.mirroring_role_desc, m.mirroring_role_sequence, m.mirroring_safety_level_desc,
      m.mirroring_safety_sequence, m.mirroring_partner_name, m.mirroring_partner_instance,
      m.mirroring_witness_name, m.mirroring_witness_state_desc, m.mirroring_connection_timeout
    FROM sys.databases d JOIN sys.database_mirroring m ON m.database_id = d.database_id ORDER BY d.name`,
  endpoints: `SELECT e.name, e.state_desc, e.role_desc, e.is_encryption_enabled, e.connection_auth_desc,
      e.encryption_algorithm_desc, c.name AS certificate, t.port, t.ip_address, p.name AS owner
    FROM sys.database_mirroring_endpoints e JOIN sys.tcp_endpoints t ON t.endpoint_id = e.endpoint_id
      LEFT JOIN master.sys.certificates c ON c.certificate_id = e.certificate_id
      LEFT JOIN sys.server_principals p ON p.principal_id = e.principal_id ORDER BY e.name`,
  keys: `SELECT name, algorithm_desc, key_length FROM master.sys.symmetric_keys ORDER BY name`,
  certificates: `SELECT c.name, c.subject, c.issuer_name, c.pvt_key_encryption_type_desc, c.key_length, u.name AS owner
    FROM master.sys.certificates c LEFT JOIN master.sys.database_principals u ON u.principal_id = c.principal_id ORDER BY c.name`,
  logins: `SELECT name, type_desc, is_disabled, default_database_name FROM sys.server_principals WHERE name NOT LIKE '##%' ORDER BY name`,
  users: `SELECT name, type_desc, default_schema_name, authentication_type_desc FROM master.sys.database_principals ORDER BY name`,
  roleMembers: `SELECT r.name AS role, m.name AS member FROM sys.server_role_members x
    JOIN sys.server_principals r ON r.principal_id = x.role_principal_id
    JOIN sys.server_principals m ON m.principal_id = x.member_principal_id ORDER BY r.name, m.name`,
  endpointGrants: `SELECT e.name AS endpoint, g.name AS grantee, p.permission_name, p.state_desc
    FROM sys.server_permissions p JOIN sys.endpoints e ON e.endpoint_id = p.major_id
      JOIN sys.server_principals g ON g.principal_id = p.grantee_principal_id
    WHERE p.class = 105 ORDER BY e.name, g.name, p.permission_name`,
};

export type CatalogDump = Record<string, Record<string, unknown[]>>;

export async function dumpCatalog(lab: TestLab, instances: string[]): Promise<CatalogDump> {
  const dump: CatalogDump = {};
  for (const instance of instances) {
    const pool = await openPool({ ...lab.mssqlConfig(instance), options: { ...lab.mssqlConfig(instance).options, appName: 'crash-matrix' } });
    try {
      dump[instance] = {};
      for (const [view, query] of Object.entries(QUERIES)) dump[instance][view] = [...(await pool.request().query(query)).recordset];
    } finally {
      await pool.close();
    }
  }
  return JSON.parse(JSON.stringify(dump)) as CatalogDump;
}

/** Where two dumps differ, one line per differing view: "SQLMIR01 endpoints: […] instead of […]". */
export function catalogDifferences(actual: CatalogDump, expected: CatalogDump): string[] {
  const problems: string[] = [];
  for (const instance of Object.keys(expected)) {
    for (const view of Object.keys(expected[instance]!)) {
      const a = JSON.stringify(actual[instance]?.[view]);
      const e = JSON.stringify(expected[instance]![view]);
      if (a !== e) problems.push(`${instance} ${view}: ${a} instead of ${e}`);
    }
  }
  return problems;
}
