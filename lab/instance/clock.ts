// The clock of one instance's host. SQL Server takes GETDATE, SYSDATETIME, SYSUTCDATETIME and their
// kin from "the operating system of the computer on which the instance of SQL Server is running"
// (learn.microsoft.com: GETDATE, SYSUTCDATETIME), and judges certificate dates by it. The lab runs
// every host on the real clock unless `lab fault <instance> clock <offset>` sets one off.
import type { LabState } from '../model.js';

export function serverClock(lab: LabState, instanceName: string, now: Date): Date {
  const offset = lab.faults[instanceName]?.clockOffsetMs ?? 0;
  return offset === 0 ? now : new Date(now.getTime() + offset);
}
