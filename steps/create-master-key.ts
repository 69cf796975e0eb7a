// The database master key in master protects the private key of the endpoint certificate.
import type { Secret } from '../config/secret.js';
import { firstRow, sqlStep, type SqlTarget } from './step.js';
import { lit, tsql } from './tsql.js';

export function createMasterKey(target: SqlTarget, password: Secret) {
  const probe = tsql`SELECT name, algorithm_desc FROM master.sys.symmetric_keys WHERE name = ${lit('##MS_DatabaseMasterKey##')}`;
  return sqlStep({
    id: `${target}.master-key`,
    title: `Create the database master key in master on the ${target}`,
    target,
    statements: [tsql`USE master; CREATE MASTER KEY ENCRYPTION BY PASSWORD = ${password}`],
    async probe(ctx) {
      const key = await firstRow<{ algorithm_desc: string }>(ctx, target, probe);
      return key ? { done: true, detail: `master key exists (${key.algorithm_desc})` } : { done: false, detail: 'no master key in master' };
    },
  });
}
