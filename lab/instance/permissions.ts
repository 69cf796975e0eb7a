// GRANT / REVOKE / DENY on the mirroring endpoint (class 105) and on the server (class 100).
// Server-scope permissions can only be managed from master (4621).

import { SqlError } from '../errors.js';
import type { ServerPermission } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { findLogin } from './principals.js';
import { FIXED_SERVER_ROLES } from './server-roles.js';
import { notFound, sessionLogin } from './scope.js';
import { PERMISSION_CODES } from './permission-codes.js';

export interface PermissionRequest {
  action: 'GRANT' | 'REVOKE' | 'DENY';
  permission: string;
  /** ENDPOINT::name, or null for a server-level permission. */
  endpoint: string | null;
  principals: string[];
  withGrantOption?: boolean;
}

export function changePermission(env: ExecEnv, request: PermissionRequest): void {
  if (env.session.database.toLowerCase() !== 'master') {
    throw new SqlError(4621, 'Permissions at the server scope can only be granted when the current database is master');
  }
  const permission = request.permission.toUpperCase().replace(/\s+/g, ' ');
  const code = PERMISSION_CODES[permission];
  if (!code) throw new SqlError(15151, `Cannot find the permission '${request.permission}', because it does not exist or you do not have permission.`);
  let majorId = 0;
  let permissionClass: ServerPermission['class'] = 100;
  if (request.endpoint !== null) {
    const endpoint = env.instance.endpoint;
    if (!endpoint || endpoint.name.toLowerCase() !== request.endpoint.toLowerCase()) throw notFound('find', 'endpoint', request.endpoint);
    majorId = endpoint.endpointId;
    permissionClass = 105;
  }
  const grantor = sessionLogin(env)?.principalId ?? 1;
  for (const name of request.principals) {
    // The server role public (principal_id 2) holds what every login holds: a DENY to it denies
    // everyone but sysadmin ("DENY Server Permissions", learn.microsoft.com).
    const granteeId = name.toLowerCase() === 'public' ? FIXED_SERVER_ROLES.public : findLogin(env.instance.logins, name)?.principalId;
    if (granteeId === undefined) throw notFound('find', 'login', name);
    const others = env.instance.serverPermissions.filter(
      (existing) =>
        !(existing.class === permissionClass && existing.majorId === majorId && existing.granteePrincipalId === granteeId && existing.type === code),
    );
    if (request.action !== 'REVOKE') {
      const state = request.action === 'DENY' ? 'D' : request.withGrantOption ? 'W' : 'G';
      others.push({ class: permissionClass, majorId, granteePrincipalId: granteeId, grantorPrincipalId: grantor, type: code, state });
    }
    env.instance.serverPermissions = others;
  }
  env.changed();
}
