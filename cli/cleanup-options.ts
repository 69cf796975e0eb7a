// What `run cleanup` and `plan cleanup` may add to the procedure: --drop-anchors (the run anchors)
// and --remove-backups (the seeding backup files this store's runs wrote). Both belong to cleanup
// only; `plan` and `run` build the same definition from them, so a plan's hash approves the run.
import type { CommandContext } from './command.js';
import { UsageError } from './command.js';
import type { LoadOptions } from '../machines/procedure-source.js';

/** The procedure options given on the command line, as the preflight judges them. */
export function procedureOptions(ctx: CommandContext, name: string): string[] {
  return optionsOfLoad(cleanupShape(ctx, name, ''));
}

/** The options a procedure is loaded with (a run and its resume), as the preflight judges them:
 * '--drop-anchors', '--remove-backups'. */
export function optionsOfLoad(options: Pick<LoadOptions, 'dropAnchors' | 'removeBackupsOf'>): string[] {
  return [...(options.dropAnchors ? ['--drop-anchors'] : []), ...(options.removeBackupsOf !== undefined ? ['--remove-backups'] : [])];
}

export function cleanupShape(ctx: CommandContext, name: string, storePath: string): Pick<LoadOptions, 'dropAnchors' | 'removeBackupsOf'> {
  const dropAnchors = ctx.options['drop-anchors'] === true;
  if (dropAnchors && name !== 'cleanup')
    throw new UsageError(
      `--drop-anchors belongs to cleanup, not ${name}`,
      'the run anchors are removed only by `mirrorbook run cleanup --drop-anchors` (after disable)',
    );
  const removeBackups = ctx.options['remove-backups'] === true;
  if (removeBackups && name !== 'cleanup')
    throw new UsageError(
      `--remove-backups belongs to cleanup, not ${name}`,
      'the seeding backup files are deleted only by `mirrorbook run cleanup --remove-backups` (after disable)',
    );
  return { ...(dropAnchors ? { dropAnchors } : {}), ...(removeBackups ? { removeBackupsOf: storePath } : {}) };
}
