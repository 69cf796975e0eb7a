// Starting a session: SET PARTNER on the mirror first (it records the principal and waits), then
// on the principal (which connects and starts the session). Order matters: the reverse gives 1416.
import type { BackupConfig } from '../config/types.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { isMirrored, readDatabase } from './database-state.js';
import { missingLogBackups, restoreLogBackups } from './mirror-log-chain.js';
import { explainHandshake, withHandshakeReasons } from './handshake-failure.js';
import { CheckFailedError, sqlStep } from './step.js';
import { id, lit, tsql } from './tsql.js';

export function setPartner(target: 'mirror' | 'principal', database: string, partnerAddress: string) {
  const probe = async (ctx: StepContext) => {
    const row = await readDatabase(ctx, target, database);
    if (!row)
      throw new CheckFailedError(
        `database ${database} does not exist on the ${target}`,
        target === 'mirror' ? 'run the restore procedure first' : 'check the databases list in the config',
      );
    if (!isMirrored(row)) {
      if (target === 'mirror' && row.state_desc !== 'RESTORING') {
        throw new CheckFailedError(
          `${database} on the mirror is ${row.state_desc}, not RESTORING`,
          'restore the full and log backups WITH NORECOVERY (the restore procedure), then resume',
        );
      }
      return { done: false, detail: `${database} is not mirrored on the ${target}` };
    }
    if ((row.mirroring_partner_name ?? '').toUpperCase() !== partnerAddress.toUpperCase()) {
      throw new CheckFailedError(
        `${database} on the ${target} is already mirrored with ${row.mirroring_partner_name}, not ${partnerAddress}`,
        `check pair.*.mirroringAddress; to rebuild, remove that session first (disable)`,
      );
    }
    return {
      done: true,
      detail: `${database} on the ${target}: partner ${row.mirroring_partner_name}, ${row.mirroring_role_desc}, ${row.mirroring_state_desc}`,
    };
  };
  return sqlStep({
    id: `${target}.set-partner.${database}`,
    database,
    title: `SET PARTNER for ${database} on the ${target} → ${partnerAddress}`,
    target,
    statements: [tsql`ALTER DATABASE ${id('database', database)} SET PARTNER = ${lit(partnerAddress)}`],
    probe,
    // 1413/1421/1404: transient communication hiccups while the session forms.
    retry: { attempts: 3, backoffMs: 2000, retryable: (e) => [1404, 1413, 1421, 1438].includes((e as { number?: number }).number ?? 0) },
  });
}

/**
 * The principal's SET PARTNER, which starts the session. A log backup taken after the mirror copy
 * was restored (a scheduled job mid-setup) makes the principal refuse with 1478/1412: the step then
 * restores the missing log backups on the mirror (leaving the half-made session first, or RESTORE
 * gives 3104), sets the mirror's partner again and retries once — what a DBA does by hand. A crash
 * in the middle of that leaves the mirror outside the partner state; the next attempt puts it back.
 */
export function startSession(backup: BackupConfig, database: string, principalAddress: string, mirrorAddress: string): StepDefinition {
  const base = setPartner('principal', database, mirrorAddress);
  const onPrincipal = tsql`ALTER DATABASE ${id('database', database)} SET PARTNER = ${lit(mirrorAddress)}`;
  const onMirror = tsql`ALTER DATABASE ${id('database', database)} SET PARTNER = ${lit(principalAddress)}`;
  const leaveOnMirror = tsql`ALTER DATABASE ${id('database', database)} SET PARTNER OFF`;

  /** Brings the mirror copy up to the principal's log and back into the partner state; returns how many backups it restored. */
  const catchUp = async (ctx: StepContext, why: string): Promise<number> => {
    const missing = await missingLogBackups(ctx, backup, database);
    const mirrorRow = await readDatabase(ctx, 'mirror', database);
    if (missing.length > 0) {
      ctx.note(`${why}: restoring ${missing.length} log backup(s) of ${database} the mirror copy lacks, then SET PARTNER on the mirror again`);
      if (isMirrored(mirrorRow)) await ctx.sql('mirror', leaveOnMirror);
      await restoreLogBackups(ctx, backup, database, missing);
      await ctx.sql('mirror', onMirror);
    } else if (!isMirrored(mirrorRow)) {
      ctx.note(`${why}: SET PARTNER on the mirror again`);
      await ctx.sql('mirror', onMirror);
    }
    return missing.length;
  };

  return {
    ...base,
    async apply(ctx) {
      if (!isMirrored(await readDatabase(ctx, 'mirror', database)))
        await catchUp(ctx, `${database} on the mirror is not in the partner state (an earlier attempt stopped half-way)`);
      await explainHandshake(ctx, ['principal', 'mirror'], async () => {
        try {
          await ctx.sql('principal', onPrincipal);
        } catch (error) {
          const number = (error as { number?: number }).number;
          if (number !== 1478 && number !== 1412) throw error;
          if ((await catchUp(ctx, `the principal answered ${number}: a log backup was taken after the mirror copy was restored`)) === 0) throw error;
          await ctx.sql('principal', onPrincipal);
        }
      });
    },
    plan: () => [
      ...base.plan(),
      {
        target: 'mirror',
        tsql: tsql`-- only if the principal answers 1478/1412 (a log backup taken since the restore): SET PARTNER OFF here, RESTORE LOG each missing backup WITH NORECOVERY, SET PARTNER again; then the principal's SET PARTNER once more`,
      },
    ],
    script: () => ({
      statements: base.plan(),
      byHand:
        'if the principal answers 1478 or 1412, a log backup was taken since the restore: on the mirror SET PARTNER OFF, RESTORE LOG each missing backup WITH NORECOVERY, SET PARTNER again, then run this batch once more',
    }),
  };
}

export function setWitness(database: string, witnessAddress: string) {
  return withHandshakeReasons(
    sqlStep({
      id: `principal.set-witness.${database}`,
      database,
      title: `SET WITNESS for ${database} on the principal → ${witnessAddress}`,
      target: 'principal',
      statements: [tsql`ALTER DATABASE ${id('database', database)} SET WITNESS = ${lit(witnessAddress)}`],
      async probe(ctx) {
        const row = await readDatabase(ctx, 'principal', database);
        const witness = row?.mirroring_witness_name ?? null;
        if (witness && witness.toUpperCase() === witnessAddress.toUpperCase())
          return { done: true, detail: `witness ${witness} (${row?.mirroring_witness_state_desc})` };
        return { done: false, detail: witness ? `witness is ${witness}` : 'no witness' };
      },
    }),
    ['principal', 'mirror', 'witness'],
  );
}

export function setSafety(database: string, safety: 'FULL' | 'OFF') {
  return sqlStep({
    id: `principal.set-safety.${database}`,
    database,
    title: `SET PARTNER SAFETY ${safety} for ${database} on the principal`,
    target: 'principal',
    statements: [
      safety === 'FULL'
        ? tsql`ALTER DATABASE ${id('database', database)} SET PARTNER SAFETY FULL`
        : tsql`ALTER DATABASE ${id('database', database)} SET PARTNER SAFETY OFF`,
    ],
    async probe(ctx) {
      const row = await readDatabase(ctx, 'principal', database);
      return row?.mirroring_safety_level_desc === safety
        ? { done: true, detail: `SAFETY ${safety}` }
        : { done: false, detail: `SAFETY ${row?.mirroring_safety_level_desc ?? 'unknown'}` };
    },
  });
}
