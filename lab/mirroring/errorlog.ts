// ERRORLOG lines the mirroring transport writes, capped like a recycled log.

import type { InstanceState } from '../model.js';
import type { HandshakeRefusal } from './handshake.js';

const MAX_LINES = 500;

export function writeErrorLog(instance: InstanceState, now: Date, text: string, number?: number): void {
  instance.errorLog.push({ ts: now.toISOString(), ...(number === undefined ? {} : { number }), text });
  if (instance.errorLog.length > MAX_LINES) instance.errorLog.splice(0, instance.errorLog.length - MAX_LINES);
}

/** A refused mirroring handshake as SQL Server logs it: one 'Logon' line holding the wrapper
 * message (28047/28048, severity 10, so no `Error:` header) around the reason (28027, 28034 …). */
export function writeHandshakeFailure(refusal: HandshakeRefusal, now: Date): void {
  const instance = refusal.loggedBy;
  if (!instance) return;
  instance.errorLog.push({ ts: now.toISOString(), number: refusal.number, text: refusal.text, processInfo: 'Logon' });
  if (instance.errorLog.length > MAX_LINES) instance.errorLog.splice(0, instance.errorLog.length - MAX_LINES);
}
