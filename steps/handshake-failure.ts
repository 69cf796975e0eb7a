// SET PARTNER / SET WITNESS only answer 1418 when the endpoints refuse each other; the reason is in
// the ERRORLOG of the instance that refused, as a 'Logon' line "Database Mirroring login attempt
// by user '…' failed with error: 'Connection handshake failed. <reason>'" (message 28047/28048
// around the reason's own message). mirrorbook reads it on the instances involved (sp_readerrorlog
// with search strings) and names the reason and its fix, as a DBA would after 1418.
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { hintFor } from './hints.js';
import { CheckFailedError, rows, type SqlTarget } from './step.js';
import { tsql } from './tsql.js';

/** The reason's message number, recognised by the words of its text (errors 28000–29999). */
const REASONS: [RegExp, number][] = [
  [/no compatible encryption algorithm/i, 28027],
  [/does not have CONNECT permission/i, 28034],
  [/peer is invalid due to the following reason: Certificate not found/i, 28035],
  [/certificate used by this endpoint was not found/i, 28036],
  [/not valid for endpoint authentication/i, 28055],
  [/certificate used by the peer has expired/i, 28025],
  [/certificate used by the peer is not yet valid/i, 28024],
  [/certificate used by this endpoint has expired/i, 28023],
  [/certificate used by this endpoint is not yet valid/i, 28022],
  [/not configured for the (partner|witness) role/i, 28080],
  [/no compatible authentication protocol|logon attempt failed/i, 28048],
];

const HANDSHAKE_LINES = tsql`EXEC sp_readerrorlog 0, 1, N'Database Mirroring login attempt', N'Connection handshake failed'`;

export interface HandshakeReason {
  target: SqlTarget;
  text: string;
  number: number | undefined;
  at: unknown;
}

/** The newest refused handshake each instance logged (none when its log cannot be read). */
export async function handshakeReasons(ctx: StepContext, targets: SqlTarget[]): Promise<HandshakeReason[]> {
  const found: HandshakeReason[] = [];
  for (const target of targets) {
    try {
      const lines = await rows<{ LogDate: unknown; Text: string }>(ctx, target, HANDSHAKE_LINES);
      const last = lines.at(-1);
      if (!last) continue;
      const text = String(last.Text);
      found.push({ target, text, number: REASONS.find(([pattern]) => pattern.test(text))?.[1], at: last.LogDate });
    } catch {
      // The login may not read the error log (securityadmin or sysadmin needed): the 1418 hint stays.
    }
  }
  return found;
}

const numberOf = (error: unknown): number | undefined => (error as { number?: number }).number;

/** When `run` fails with 1418, the same failure with what the partners' error logs say. */
export async function explainHandshake(ctx: StepContext, targets: SqlTarget[], run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (numberOf(error) !== 1418) throw error;
    const reasons = await handshakeReasons(ctx, targets);
    if (reasons.length === 0) throw error;
    const said = reasons.map((r) => `the ${r.target}'s error log says${r.number ? ` (${r.number})` : ''}: ${r.text}`).join('; ');
    const fixes = [...new Set(reasons.map((r) => hintFor(r.number)).filter((h): h is string => h !== undefined))];
    throw new CheckFailedError(`${(error as Error).message} (1418) — ${said}`, `${fixes.length > 0 ? fixes.join(' ') : hintFor(1418)} Then resume.`);
  }
}

/** A step whose apply explains a 1418 with the error logs of `targets`. */
export function withHandshakeReasons(step: StepDefinition, targets: SqlTarget[]): StepDefinition {
  return { ...step, apply: (ctx) => explainHandshake(ctx, targets, () => step.apply(ctx)) };
}
