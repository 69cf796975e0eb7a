// Whether a statement only reads or may change a server: the one classifier the engine (what is
// audited durably before it is sent), the run view (a read does not replace a change on screen)
// and the crash proofs (which statements are effects) share. Conservative: what is not known to
// only read counts as a change.
// Reads: SELECT (after an optional USE), session options (SET …, as the driver sends after login),
// the read-only catalog procedures sp_who / sp_help…, and the mirroring monitor's results without
// its refresh (sp_dbmmonitorresults' third argument, @update_status, 0 — anything else updates the
// monitor table: learn.microsoft.com sp-dbmmonitorresults-transact-sql); what a backup file holds
// (RESTORE HEADERONLY / FILELISTONLY / VERIFYONLY / LABELONLY read the media, "RESTORE Statements -
// Arguments"), and the host's files and drives as the service account sees them (xp_fileexist,
// xp_fixeddrives).

const USE = /^\s*USE\s+\[?\w+\]?\s*;\s*/i;
const READ = /^\s*(SELECT|SET)\b/i;
const CATALOG_PROCEDURE = /^\s*EXEC(UTE)?\s+(\w+\.\w*\.)?sp_(who2?|help\w*)\b/i;
const MEDIA_OR_HOST_READ =
  /^\s*(RESTORE\s+(HEADERONLY|FILELISTONLY|VERIFYONLY|LABELONLY)\b|EXEC(UTE)?\s+(master\.dbo\.|master\.sys\.|master\.\.)?xp_(fileexist|fixeddrives)\b)/i;
const MONITOR_RESULTS = /^\s*EXEC(UTE)?\s+(msdb\.dbo\.)?sp_dbmmonitorresults\s+N'(?:[^']|'')*'\s*,\s*\d+\s*,\s*0\s*$/i;

export function changesServer(sql: string): boolean {
  const body = sql.replace(USE, '');
  return !(READ.test(body) || CATALOG_PROCEDURE.test(body) || MEDIA_OR_HOST_READ.test(body) || MONITOR_RESULTS.test(body));
}

export function onlyReads(sql: string): boolean {
  return !changesServer(sql);
}
