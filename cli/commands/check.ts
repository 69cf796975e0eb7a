// `mirrorbook check <procedure>`: the read-only preflight of that procedure on every server of the
// pair (preflight/registry.ts lists the checks), judged with the options the run will have
// (cleanup --remove-backups). `run` runs the same checks first, with its options.
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { isProcedureName, procedureHint } from '../../runbooks/procedures.js';
import { resolvePaths } from '../paths.js';
import { procedureOptions } from '../cleanup-options.js';

const command: Command = async (ctx) => {
  const [name] = ctx.positionals;
  if (!name || !isProcedureName(name)) throw new UsageError(name ? `unknown procedure '${name}'` : 'check needs a procedure name', procedureHint(name));
  const options = procedureOptions(ctx, name);
  const { loadConfig } = await import('../../config/load.js');
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const { PairConnections } = await import('../../steps/connection.js');
  const { runPreflight } = await import('../../preflight/run-preflight.js');
  const { renderFindings, summarizeFindings } = await import('../../preflight/render.js');
  const connections = new PairConnections(config);
  try {
    const { asInvokedHere, findingAsInvoked } = await import('../as-invoked.js');
    const asInvoked = asInvokedHere(ctx);
    const findings = (await runPreflight(config, name, connections, options)).map((f) => findingAsInvoked(f, asInvoked));
    if (ctx.flags.json) ctx.stdout.write(JSON.stringify({ procedure: name, options, findings }) + '\n');
    else ctx.stdout.write(`${renderFindings(findings)}\n\ncheck ${[name, ...options].join(' ')}: ${summarizeFindings(findings)}\n`);
    return findings.some((f) => f.verdict === 'fail') ? 1 : 0;
  } finally {
    await connections.close();
  }
};
export default command;
