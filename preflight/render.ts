// The preflight table: check, server, ✔/⚠/✗, what was found, hint.
import type { Finding, Verdict } from './check.js';

export const MARK: Record<Verdict, string> = { ok: '✔', warn: '⚠', fail: '✗' };

export function renderFindings(findings: Finding[]): string {
  const rows = [['CHECK', 'SERVER', '', 'FOUND', 'HINT'], ...findings.map((f) => [f.check, f.server, MARK[f.verdict], f.found, f.hint ?? ''])];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => [r[0]!.padEnd(widths[0]!), r[1]!.padEnd(widths[1]!), r[2]!.padEnd(widths[2]!), r[3]!, r[4] ? `— ${r[4]}` : ''].join('  ').trimEnd()).join('\n');
}

export function summarizeFindings(findings: Finding[]): string {
  const count = (v: Verdict) => findings.filter((f) => f.verdict === v).length;
  return `${count('fail')} ✗ · ${count('warn')} ⚠ · ${count('ok')} ✔`;
}
