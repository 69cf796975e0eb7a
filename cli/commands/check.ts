// `mirrorbook check <procedure>`: the read-only preflight of that procedure on every server of the
// pair (preflight/registry.ts lists the checks). `run` runs the same checks first.
import type { Command } from '../command.js';
import { parseOptions, UsageError } from '../command.js';
import { resolvePaths } from '../paths.js';

const USAGE = 'usage: mirrorbook check <procedure> [--json]';
const HELP = `${USAGE}

Reads every server of the pair (changes nothing) and prints one row per finding: check, server,
✔ / ⚠ / ✗, what was found and a hint. 'mirrorbook run' runs the same checks first and sends no
change while any row is ✗. --json prints {procedure, findings:[{check, server, verdict, found, hint}]}.
exit: 0 nothing is ✗ · 1 something is ✗ · 2 bad usage or config`;

const command: Command = async (ctx) => {
  const { options, positional } = parseOptions(ctx.argv, [], ['help']);
  if (options.help || positional[0] === '--help') {
    ctx.stdout.write(HELP + '\n');
    return 0;
  }
  const [name, ...extra] = positional;
  if (!name) throw new UsageError('check needs a procedure name', USAGE);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`, USAGE);
  const { PROCEDURES } = await import('../../runbooks/index.js');
  if (!PROCEDURES.some((p) => p.name === name)) throw new UsageError(`unknown procedure '${name}'`, `procedures: ${PROCEDURES.map((p) => p.name).join(', ')}`);
  const { loadConfig } = await import('../../config/load.js');
  const config = loadConfig(resolvePaths(ctx.flags, ctx.env, ctx.cwd).config, { env: ctx.env });
  const { PairConnections } = await import('../../steps/connection.js');
  const { runPreflight } = await import('../../preflight/run-preflight.js');
  const { renderFindings, summarizeFindings } = await import('../../preflight/render.js');
  const connections = new PairConnections(config);
  try {
    const findings = await runPreflight(config, name, connections);
    if (ctx.flags.json) ctx.stdout.write(JSON.stringify({ procedure: name, findings }) + '\n');
    else ctx.stdout.write(`${renderFindings(findings)}\n\ncheck ${name}: ${summarizeFindings(findings)}\n`);
    return findings.some((f) => f.verdict === 'fail') ? 1 : 0;
  } finally {
    await connections.close();
  }
};
export default command;
