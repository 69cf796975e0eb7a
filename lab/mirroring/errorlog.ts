// ERRORLOG lines the mirroring transport writes, capped like a recycled log.

import type { InstanceState } from '../model.js';

const MAX_LINES = 500;

export function writeErrorLog(instance: InstanceState, now: Date, text: string, number?: number): void {
  instance.errorLog.push({ ts: now.toISOString(), ...(number === undefined ? {} : { number }), text });
  if (instance.errorLog.length > MAX_LINES) instance.errorLog.splice(0, instance.errorLog.length - MAX_LINES);
}
