// The permission type codes of sys.server_permissions / sys.database_permissions
// (learn.microsoft.com "sys.server_permissions (Transact-SQL)"). At server level CONTROL is written
// CONTROL SERVER; on an endpoint, CONTROL.

export const PERMISSION_CODES: Record<string, string> = {
  CONNECT: 'CO',
  ALTER: 'AL',
  CONTROL: 'CL',
  'CONTROL SERVER': 'CL',
  'TAKE OWNERSHIP': 'TO',
  'VIEW DEFINITION': 'VW',
  'CONNECT SQL': 'COSQ',
  'VIEW SERVER STATE': 'VWSS',
  'ALTER SERVER STATE': 'ALSS',
  'VIEW ANY DEFINITION': 'VWAD',
  'VIEW ANY DATABASE': 'VWDB',
  'ALTER ANY ENDPOINT': 'ALHE',
  'CREATE ENDPOINT': 'CRHE',
  'ALTER ANY LOGIN': 'ALLG',
  'ALTER ANY DATABASE': 'ALDB',
  'CREATE ANY DATABASE': 'CRDB',
  'ALTER ANY CONNECTION': 'ALCO',
  'ALTER ANY SERVER ROLE': 'ALSR',
  'ALTER ANY LINKED SERVER': 'ALLS',
  'ALTER RESOURCES': 'ALRS',
  'ALTER SETTINGS': 'ALST',
  'ADMINISTER BULK OPERATIONS': 'ADBO',
  SHUTDOWN: 'SHDN',
};

/** sys.server_permissions.permission_name of a code, per class (100 server, 105 endpoint). */
export function permissionName(code: string, permissionClass: 100 | 105): string {
  if (code === 'CL') return permissionClass === 100 ? 'CONTROL SERVER' : 'CONTROL';
  return Object.entries(PERMISSION_CODES).find(([, c]) => c === code)?.[0] ?? code;
}
