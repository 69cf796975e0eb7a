// Mirroring needs the FULL recovery model (SIMPLE and BULK_LOGGED are not supported).
import { readDatabase } from './database-state.js';
import { CheckFailedError, sqlStep } from './step.js';
import { id, tsql } from './tsql.js';

export function setRecoveryFull(database: string) {
  return sqlStep({
    id: `principal.recovery-full.${database}`,
    database,
    title: `Set ${database} to the FULL recovery model on the principal`,
    target: 'principal',
    statements: [tsql`ALTER DATABASE ${id('database', database)} SET RECOVERY FULL`],
    async probe(ctx) {
      const db = await readDatabase(ctx, 'principal', database);
      if (!db) throw new CheckFailedError(`database ${database} does not exist on the principal`, 'check the databases list in the config and pair.principal');
      if (db.state_desc !== 'ONLINE')
        throw new CheckFailedError(
          `database ${database} is ${db.state_desc} on the principal`,
          'the principal copy must be ONLINE; check you have the right server as principal',
        );
      return db.recovery_model_desc === 'FULL'
        ? { done: true, detail: `${database} uses FULL recovery` }
        : { done: false, detail: `${database} uses ${db.recovery_model_desc} recovery` };
    },
  });
}
