// What the batch log keeps of a batch that carries a password. SQL Server's traces (SQL Trace,
// Profiler) replace such a batch's whole text with a comment; the lab's batch log (and so `lab
// log`) does the same, for every statement that can carry one: CREATE/ALTER LOGIN … PASSWORD,
// CREATE/OPEN MASTER KEY, certificates ENCRYPTION/DECRYPTION BY PASSWORD, sp_addlogin, sp_password.

const PASSWORD_BEARING = /\bPASSWORD\b|\bsp_addlogin\b|\bsp_password\b/i;

export const REDACTED_BATCH = "-- 'password' was found in the text of this event.\n-- The text has been replaced with this comment for security reasons.";

export function redactPasswords(sql: string): string {
  return PASSWORD_BEARING.test(sql) ? REDACTED_BATCH : sql;
}
