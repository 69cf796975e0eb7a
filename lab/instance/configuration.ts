// sp_configure and RECONFIGURE for the one server option the lab models: 'filestream access level'
// (0 disabled — the default —, 1 Transact-SQL access, 2 also Win32 streaming). sp_configure sets
// the configured value and says so (15457); RECONFIGURE makes it the running one.
// learn.microsoft.com: "sp_configure", "RECONFIGURE", "filestream access level (server configuration
// option)"; the numbers from "Database engine events and errors" (15123, 15129, 15457).

import { SqlError } from '../errors.js';
import type { InstanceState } from '../model.js';
import type { ExecEnv } from '../server/env.js';
import { hasServerPermission } from './effective-permissions.js';
import { sessionLogin } from './scope.js';

const FILESTREAM = 'filestream access level';
const NAMES = new Set([FILESTREAM, 'filestream_access_level']);

export const filestreamLevel = (instance: InstanceState): { config: number; run: number } => instance.filestreamAccessLevel ?? { config: 0, run: 0 };

/** sp_configure 'name' [, value]: without a value, the option's row (name, minimum, maximum, config_value, run_value). */
export function spConfigure(env: ExecEnv, name: string, value: number | null): void {
  if (!NAMES.has(name.trim().toLowerCase())) throw new SqlError(15123, `The configuration option '${name}' does not exist, or it may be an advanced option.`);
  const level = filestreamLevel(env.instance);
  if (value === null) {
    env.emit({
      kind: 'rows',
      columns: [
        { name: 'name', sqlType: { type: 'nvarchar', length: 35 }, nullable: false },
        { name: 'minimum', sqlType: { type: 'int' }, nullable: false },
        { name: 'maximum', sqlType: { type: 'int' }, nullable: false },
        { name: 'config_value', sqlType: { type: 'int' }, nullable: false },
        { name: 'run_value', sqlType: { type: 'int' }, nullable: false },
      ],
      rows: [[FILESTREAM, 0, 2, level.config, level.run]],
    });
    return;
  }
  // Changing an option needs ALTER SETTINGS (sysadmin and serveradmin have it).
  if (!hasServerPermission(env.instance, sessionLogin(env), 'ALTER SETTINGS'))
    throw new SqlError(15247, 'User does not have permission to perform this action.');
  if (!Number.isInteger(value) || value < 0 || value > 2)
    throw new SqlError(15129, `'${value}' is not a valid value for configuration option '${FILESTREAM}'.`);
  env.instance.filestreamAccessLevel = { config: value, run: level.run };
  env.emit({
    kind: 'message',
    message: {
      number: 15457,
      state: 1,
      class: 10,
      message: `Configuration option '${FILESTREAM}' changed from ${level.config} to ${value}. Run the RECONFIGURE statement to install.`,
      line: env.line,
    },
  });
  env.changed();
}

export function reconfigure(env: ExecEnv): void {
  const level = filestreamLevel(env.instance);
  if (level.config === level.run) return;
  env.instance.filestreamAccessLevel = { config: level.config, run: level.config };
  env.changed();
}
