// ALTER DATABASE … SET PARTNER / SET WITNESS → lab/mirroring.

import { SqlError } from '../errors.js';
import type { AlterDatabaseStatement } from '../sql/ast.js';
import type { ExecEnv } from './env.js';

export async function executeMirroringOption(_env: ExecEnv, statement: AlterDatabaseStatement): Promise<void> {
  throw new SqlError(102, `Incorrect syntax near '${statement.action.kind}'. (Mirroring options are not wired into the lab yet.)`, { class: 15 });
}
