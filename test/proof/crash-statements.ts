// Which statements change a server, and their text with what differs between two labs masked: the
// crash matrix compares what each lab received and what the audit trail names.

/** Everything mirrorbook sends that is not a read (SELECT, DECLARE … SELECT, SET options, the
 * mirroring monitor's results without its refresh). */
export function changesServer(sql: string): boolean {
  const body = sql.replace(/^\s*USE\s+\[?\w+\]?\s*;\s*/i, '');
  if (/^\s*EXEC(UTE)?\s+msdb\.dbo\.sp_dbmmonitorresults\s+N'(?:[^']|'')*'\s*,\s*\d+\s*,\s*0\s*$/i.test(body)) return false;
  return /^\s*(CREATE|ALTER|DROP|GRANT|REVOKE|DENY|BACKUP|RESTORE|EXEC|EXECUTE|KILL|INSERT|UPDATE|DELETE)\b/i.test(body);
}

/** Secrets as the audit masks them; the lab's generated passwords, certificate bytes and the run's
 * date differ from one lab (or day) to another; a planned statement's comment says where a value
 * filled in at apply time comes from ("0x… /* CERTENCODED from the mirror *\/"). */
export function comparable(sql: string): string {
  return sql
    .replace(/\s*\/\*[\s\S]*?\*\//g, '')
    .replace(/PASSWORD\s*=\s*N?'(?:[^']|'')*'/gi, "PASSWORD = N'****'")
    .replace(/0x[0-9A-F]+/gi, '0x…')
    .replace(/N'\d{8}'/g, "N'<date>'")
    .trim();
}
