/** ISO 8601 UTC with milliseconds: the one timestamp format of the store and the audit trail. */
export function nowIso(): string {
  return new Date().toISOString();
}
