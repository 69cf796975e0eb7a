// `mirrorbook check <procedure>`: the read-only preflight of that procedure on every server of the
// pair (preflight/registry.ts lists the checks). `run` runs the same checks first.
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { isProcedureName, procedureHint } from '../../runbooks/procedures.js';
import { resolvePaths } from '../paths.js';

const command: Command = async (ctx) => {
  const [name] = ctx.positionals;
  if (!name || !isProcedureName(name)) throw new UsageError(name ? `unknown procedure '${name}'` : 'check needs a procedure name', procedureHint(name));
  const { loadConfig } = await import('../../config/load.js');
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const { PairConnections } = await import('../../steps/connection.js');
  const { runPreflight } = await import('../../preflight/run-preflight.js');
  const { renderFindings, summarizeFindings } = await import('../../preflight/render.js');
  const connections = new PairConnections(config);
  try {
    const { asInvokedHere, findingAsInvoked } = await import('../as-invoked.js');
    const asInvoked = asInvokedHere(ctx);
    const findings = (await runPreflight(config, name, connections)).map((f) => findingAsInvoked(f, asInvoked));
    if (ctx.flags.json) ctx.stdout.write(JSON.stringify({ procedure: name, findings }) + '\n');
    else ctx.stdout.write(`${renderFindings(findings)}\n\ncheck ${name}: ${summarizeFindings(findings)}\n`);
    return findings.some((f) => f.verdict === 'fail') ? 1 : 0;
  } finally {
    await connections.close();
  }
};
export default command;
