// Which statements change a server, and their text with what differs between two labs masked: the
// crash matrix compares what each lab received and what the audit trail names.

/** Everything mirrorbook sends that is not a read (SELECT, DECLARE … SELECT, SET options). */
export function changesServer(sql: string): boolean {
  const body = sql.replace(/^\s*USE\s+\[?\w+\]?\s*;\s*/i, '');
  return /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|DENY|BACKUP|RESTORE|EXEC|EXECUTE|KILL|INSERT|UPDATE|DELETE)\b/i.test(body);
}

/** Secrets as the audit masks them; the lab's generated passwords, certificate bytes and the run's
 * date differ from one lab (or day) to another. */
export function comparable(sql: string): string {
  return sql
    .replace(/PASSWORD\s*=\s*N?'(?:[^']|'')*'/gi, "PASSWORD = N'****'")
    .replace(/0x[0-9A-F]+/gi, '0x…')
    .replace(/N'\d{8}'/g, "N'<date>'")
    .trim();
}
