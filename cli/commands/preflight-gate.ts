// What `run` and `resume` do before the engine starts: print what the preflight found (only ⚠ and
// ✗ rows; --json: one {"type":"preflight"} line) and refuse, with nothing changed, on any ✗.
import type { CommandContext } from '../command.js';
import type { LoadedProcedure } from '../../machines/procedure-source.js';

/** `online`: every check against the servers (run); otherwise the config's own warnings (resume). */
export async function preflightGate(ctx: CommandContext, name: string, procedure: LoadedProcedure, online: boolean): Promise<void> {
  if (!procedure.preflight) return;
  const findings = await procedure.preflight(online);
  const { renderFindings } = await import('../../preflight/render.js');
  const shown = findings.filter((f) => f.verdict !== 'ok');
  if (ctx.flags.json) ctx.stdout.write(JSON.stringify({ type: 'preflight', procedure: name, findings }) + '\n');
  else if (shown.length) ctx.stdout.write(`preflight of ${name}:\n${renderFindings(shown)}\n\n`);
  const failed = findings.filter((f) => f.verdict === 'fail');
  if (failed.length) {
    const { EngineRefusal } = await import('../../machines/errors.js');
    throw new EngineRefusal(`preflight: ${failed.length} check(s) failed (✗), nothing was changed`, `fix what the ✗ rows say ('mirrorbook check ${name}' shows them all), then run again`, 1);
  }
}
