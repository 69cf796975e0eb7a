// Which statements change a server. Conservative: what is not known to only read counts as a change.
// Not changes: SELECT (after an optional USE), session options (SET …, as the driver sends after
// login) and the mirroring monitor's results without its refresh.

export function changesServer(sql: string): boolean {
  const body = sql.replace(/^\s*USE\s+\[?\w+\]?\s*;\s*/i, '');
  if (/^\s*EXEC(UTE)?\s+msdb\.dbo\.sp_dbmmonitorresults\s+N'(?:[^']|'')*'\s*,\s*\d+\s*,\s*0\s*$/i.test(body)) return false;
  return !/^\s*(SELECT|SET)\b/i.test(body);
}
