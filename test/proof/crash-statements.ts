// Which statements change a server, and their text with what differs between two labs masked: the
// crash matrix compares what each lab received and what the audit trail names.

export { changesServer } from '../../machines/statement-kind.js';

/** Secrets as the audit masks them; the lab's generated passwords, certificate bytes and the run's
 * date differ from one lab (or day) to another; a planned statement's comment says where a value
 * filled in at apply time comes from ("0x… /* CERTENCODED from the mirror *\/"). */
export function comparable(sql: string): string {
  if (isAnchor(sql)) return ANCHOR;
  return (
    sql
      .replace(/\s*\/\*[\s\S]*?\*\//g, '')
      .replace(/PASSWORD\s*=\s*N?'(?:[^']|'')*'/gi, "PASSWORD = N'****'")
      .replace(/0x[0-9A-F]+/gi, '0x…')
      .replace(/N'\d{8}'/g, "N'<date>'")
      // Seeding files are named after the run (steps/backup-paths.ts): one run id per lab.
      .replace(/_mirrorbook_\d{8}-\d{6}-[0-9a-f]{4}/g, '_mirrorbook_<run id>')
      .trim()
  );
}

/** A run's anchor (steps/run-anchor.ts) holds the run id, times and audit head, which differ on
 * every lab: compared as one kind of statement, and named by the audit's `anchor` records. */
export const ANCHOR = '<the run anchor>';
export const isAnchor = (sql: string): boolean => sql.includes('mirrorbook_run_anchors') && sql.includes('xp_logevent');

/** The lab's batch logs replace a batch carrying a password with SQL Server's trace comment
 * (lab/server/redact.ts): such a batch is compared by count, and named by any audit record of a
 * password-bearing statement on that server (the audit keeps it with the password masked). */
export const isRedacted = (sql: string): boolean => /^-- 'password' was found in the text of this event\./.test(sql);
export const carriesPassword = (sql: string): boolean => /PASSWORD\s*=/i.test(sql);
