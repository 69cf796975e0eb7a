// How the simulated transaction log grows: every committed transaction advances the end of log by
// a fixed number of LSN units and writes a fixed amount of log, so queue sizes and log-backup sizes
// follow from LSN distances.

export const LSN_PER_TRANSACTION = 100;
export const LOG_KB_PER_TRANSACTION = 4;

export function logKB(fromLsn: number, toLsn: number): number {
  return Math.max(0, Math.round(((toLsn - fromLsn) / LSN_PER_TRANSACTION) * LOG_KB_PER_TRANSACTION));
}
