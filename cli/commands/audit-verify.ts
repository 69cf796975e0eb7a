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
import { auditKeyOf } from './run-session.js';
import type { Finding, StoreProof } from '../../store/types.js';

export const ANCHORS_NOT_CHECKED = 5;

export async function verifyCommand(ctx: CommandContext, options: { expectHead?: string; local: boolean }): Promise<number> {
  const expectHead = options.expectHead;
  if (expectHead !== undefined && !/^(hmac:)?[0-9a-f]{64}$/.test(expectHead)) {
    throw new UsageError(`--expect-head ${JSON.stringify(expectHead.slice(0, 80))} is not a chain hash`, 'give the 64 hex digits (hmac:… with a key) that `audit verify` printed as the head');
  }
  const paths = resolvePaths(ctx.flags, ctx.env, ctx.cwd);
  const key = await auditKeyOf(ctx);
  const { proveStoreFile } = await import('../../store/index.js');
  const proof = proveStoreFile(paths.store, key ? { key } : {});
  const findings: Finding[] = [...proof.findings];
  const head = proof.chain.head;
  if (expectHead !== undefined && head.hash !== expectHead) {
    findings.push({ problem: 'expected-head', detail: `the head is seq ${head.seq} ${head.hash}, not the expected ${expectHead}` });
  }
  const anchorsChecked = false;
  const anchorNote = options.local ? 'anchors not checked (--local)' : 'anchors not checked';
  const ok = proof.chain.ok && findings.length === 0;
  const exitCode = !ok ? 1 : anchorsChecked || options.local ? 0 : ANCHORS_NOT_CHECKED;
  if (ctx.flags.json) {
    ctx.stdout.write(JSON.stringify({ ...proof.chain, findings, notes: proof.notes, anchors: { checked: anchorsChecked, note: anchorNote }, exitCode }) + '\n');
  } else {
    report(ctx, proof, findings, anchorsChecked ? 'anchors match' : anchorNote);
  }
  return exitCode;
}

function report(ctx: CommandContext, proof: StoreProof, findings: Finding[], anchors: string): void {
  const { chain } = proof;
  const headLine = `head: seq ${chain.head.seq} ${chain.head.hash}\n`;
  if (chain.ok && findings.length === 0) {
    ctx.stdout.write(`audit trail intact: ${chain.count} records, hash chain verified; SQLite integrity check ok; runs, intents, outcomes and step states match the chain\n${headLine}`);
    for (const note of proof.notes) ctx.stdout.write(`note: ${note}\n`);
    ctx.stdout.write(`${anchors === 'anchors match' ? anchors : `intact locally, ${anchors}`}\n`);
    return;
  }
  if (!chain.ok) {
    const { seq, problem, detail } = chain.firstBad;
    ctx.stderr.write(`audit trail BROKEN at record #${seq}: ${problem} — ${detail}\n(${chain.count} records checked before it)\n`);
  }
  for (const f of findings) ctx.stderr.write(`audit trail BROKEN${f.runId ? ` (run ${f.runId})` : ''}: ${f.problem} — ${f.detail}\n`);
  ctx.stderr.write(headLine);
}
