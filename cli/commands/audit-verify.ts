// `mirrorbook audit verify [--expect-head HASH] [--local]`: proves the store without writing to it
// (store/prove-file.ts) — SQLite's integrity check, the hash chain (HMAC with audit.key), every
// table the reports use tied to the chain, no WAL lost after a crash — prints the head an auditor
// pins, and cross-checks the run anchors on every reachable server of the configured pair.
// Exit: 0 proven (anchors checked) · 1 something does not hold · 2 bad usage ·
// 5 intact locally, anchors not checked (no config, or no server reachable); --local asks for the
// store alone and exits 0 when it holds.

import type { CommandContext } from '../command.js';
import { UsageError } from '../command.js';
import { resolvePaths } from '../paths.js';
import { readLimitMs } from '../../machines/pace.js';
import type { Finding, RunAnchor, StoreProof } from '../../store/types.js';

export const ANCHORS_NOT_CHECKED = 5;

export async function verifyCommand(ctx: CommandContext, options: { expectHead?: string; local: boolean }): Promise<number> {
  const expectHead = options.expectHead;
  if (expectHead !== undefined && !/^(hmac:)?[0-9a-f]{64}$/.test(expectHead)) {
    throw new UsageError(
      `--expect-head ${JSON.stringify(expectHead.slice(0, 80))} is not a chain hash`,
      'give the 64 hex digits (hmac:… with a key) that `audit verify` printed as the head',
    );
  }
  const paths = resolvePaths(ctx.flags, ctx.env, ctx.cwd);
  // Verify writes nothing, so a store it is given needs no config: without one there is no key.
  const { readAuditKey } = await import('../../config/audit-key.js');
  const key = paths.knownConfig === undefined ? undefined : readAuditKey(paths.knownConfig, ctx.env);
  const { proveStoreFile } = await import('../../store/index.js');
  const { existsSync } = await import('node:fs');
  // Refused before any server is asked: no store, or not one.
  if (!existsSync(paths.store)) proveStoreFile(paths.store);
  const servers = options.local ? undefined : await readAnchors(ctx, paths.knownConfig);
  const proof = proveStoreFile(paths.store, {
    ...(key ? { key } : {}),
    ...(servers?.reached.length ? { anchors: servers.anchors, anchorsReadOn: servers.reached } : {}),
  });
  const findings: Finding[] = [...proof.findings];
  const head = proof.chain.head;
  if (expectHead !== undefined && head.hash !== expectHead) {
    findings.push({ problem: 'expected-head', detail: `the head is seq ${head.seq} ${head.hash}, not the expected ${expectHead}` });
  }
  const anchorsChecked = (servers?.reached.length ?? 0) > 0;
  const anchorNote = options.local ? 'anchors not checked (--local)' : anchorSummary(servers!);
  const ok = proof.chain.ok && findings.length === 0;
  const exitCode = !ok ? 1 : anchorsChecked || options.local ? 0 : ANCHORS_NOT_CHECKED;
  if (ctx.flags.json) {
    ctx.stdout.write(
      JSON.stringify({ ...proof.chain, findings, notes: proof.notes, trace: proof.trace, anchors: { checked: anchorsChecked, note: anchorNote }, exitCode }) +
        '\n',
    );
  } else {
    report(ctx, proof, findings, anchorsChecked, anchorNote);
  }
  return exitCode;
}

function report(ctx: CommandContext, proof: StoreProof, findings: Finding[], anchorsChecked: boolean, anchors: string): void {
  const { chain } = proof;
  const headLine = `head: seq ${chain.head.seq} ${chain.head.hash}\n`;
  if (chain.ok && findings.length === 0) {
    ctx.stdout.write(
      `audit trail intact: ${chain.count} records, hash chain verified; SQLite integrity check ok; runs, intents, outcomes and step states match the chain\n${headLine}`,
    );
    for (const note of proof.notes) ctx.stdout.write(`note: ${note}\n`);
    ctx.stdout.write(`${anchorsChecked ? anchors : `intact locally, ${anchors}`}\n`);
    return;
  }
  if (!chain.ok) {
    const { seq, problem, detail } = chain.firstBad;
    ctx.stderr.write(`audit trail BROKEN at record #${seq}: ${problem} — ${detail}\n(${chain.count} records checked before it)\n`);
  }
  for (const f of findings) ctx.stderr.write(`audit trail BROKEN${f.runId ? ` (run ${f.runId})` : ''}: ${f.problem} — ${f.detail}\n`);
  ctx.stderr.write(headLine);
  ctx.stderr.write(`${anchors}\n`);
}

interface Servers {
  anchors: RunAnchor[];
  /** Instances whose anchors were read (none yet is an answer too). */
  reached: string[];
  unreached: string[];
  /** Why no server was asked. */
  reason?: string;
}

/** How long a server that accepted the connection may take to answer the read (10 s, or
 * MIRRORBOOK_READ_TIMEOUT_MS when shorter). Connecting is bounded by the connection's own timeout
 * (15 s, as for runs), counted by the driver from the socket: a limit that also counted loading the
 * driver and the TLS login made every server look unreachable on a loaded machine (exit 5 with the
 * lab running). */
const anchorReadMs = (env: NodeJS.ProcessEnv): number => Math.min(10_000, readLimitMs(env));

/** The anchors on every partner (and witness) of the configured pair that answers. */
async function readAnchors(ctx: CommandContext, configPath: string | undefined): Promise<Servers> {
  if (configPath === undefined)
    return { anchors: [], reached: [], unreached: [], reason: 'no config names the servers (the lab last used is gone; give --config)' };
  const { existsSync } = await import('node:fs');
  if (!existsSync(configPath)) return { anchors: [], reached: [], unreached: [], reason: `no config file at ${configPath} names the servers` };
  const { loadConfig } = await import('../../config/load.js');
  const { partners } = await import('../../config/types.js');
  let config;
  try {
    config = loadConfig(configPath, { env: ctx.env });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return { anchors: [], reached: [], unreached: [], reason: `the config cannot be loaded (${error.message.split('\n')[0]})` };
  }
  const { PairConnections } = await import('../../steps/connection.js');
  const { anchorsFrom, readAnchorsStatement } = await import('../../steps/run-anchor.js');
  const connections = new PairConnections(config);
  const answers = await Promise.all(
    partners(config).map(async (server) => {
      try {
        await connections.pool(server.role);
        const limit = anchorReadMs(ctx.env);
        const signal = AbortSignal.timeout(limit);
        const answer = await Promise.race([
          connections.query(server.role, readAnchorsStatement, signal),
          new Promise<never>((_, reject) =>
            signal.addEventListener('abort', () => reject(new Error(`connected, but no answer within ${limit / 1000} s`)), { once: true }),
          ),
        ]);
        return { server, anchors: anchorsFrom(server.instance, answer.recordsets[0] ?? []) };
      } catch (error) {
        // 208: the table is not there yet — no run has anchored on this server.
        if ((error as { number?: unknown }).number === 208) return { server, anchors: [] };
        return { server, error: (error as Error).message };
      }
    }),
  );
  // In the pair's order (principal, mirror, witness), whichever answered first.
  const result: Servers = { anchors: [], reached: [], unreached: [] };
  for (const answer of answers) {
    if (answer.anchors) {
      result.anchors.push(...answer.anchors);
      result.reached.push(answer.server.instance);
    } else result.unreached.push(`${answer.server.instance} (${answer.error})`);
  }
  void connections.close();
  return result;
}

function anchorSummary(servers: Servers): string {
  if (servers.reason) return `anchors not checked: ${servers.reason}`;
  const unreached = servers.unreached.length ? `; not reachable: ${servers.unreached.join(', ')}` : '';
  if (servers.reached.length === 0) return `anchors not checked: no server reachable${unreached}`;
  return `anchors checked on ${servers.reached.join(', ')}: ${servers.anchors.length} run anchors${unreached}`;
}
