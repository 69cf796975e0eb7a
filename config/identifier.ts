// Names that become T-SQL identifiers: validated per kind before they are quoted. The quoting in
// steps/tsql.ts would make any name safe; the validation catches names no DBA meant to type.

export type IdentifierKind = 'database' | 'login' | 'windows-login' | 'user' | 'certificate' | 'endpoint';

const RULES: Record<IdentifierKind, { pattern: RegExp; allowed: string }> = {
  database: { pattern: /^[\p{L}_][\p{L}\p{N}_@#$ .-]*$/u, allowed: 'letters, digits, _ @ # $ . - and spaces, starting with a letter or _' },
  login: { pattern: /^[\p{L}_#][\p{L}\p{N}_@#$.-]*$/u, allowed: 'letters, digits, _ @ # $ . -, starting with a letter, _ or #' },
  'windows-login': { pattern: /^[\p{L}\p{N}_.-]+\\[\p{L}\p{N}_.$ -]+$/u, allowed: 'DOMAIN\\name (letters, digits, _ . - $)' },
  user: { pattern: /^[\p{L}_#][\p{L}\p{N}_@#$.-]*$/u, allowed: 'letters, digits, _ @ # $ . -, starting with a letter, _ or #' },
  certificate: { pattern: /^[\p{L}_#][\p{L}\p{N}_@#$.-]*$/u, allowed: 'letters, digits, _ @ # $ . -, starting with a letter, _ or #' },
  endpoint: { pattern: /^[\p{L}_][\p{L}\p{N}_@#$-]*$/u, allowed: 'letters, digits, _ @ # $ -, starting with a letter or _' },
};

const SYSTEM_DATABASES = ['master', 'model', 'msdb', 'tempdb'];

/** Why `name` is not acceptable as a `kind` identifier, or undefined when it is. */
export function identifierProblem(kind: IdentifierKind, name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > 128) return `it is ${name.length} characters long; SQL Server allows 128`;
  if (/\p{Cc}/u.test(name)) return 'it contains control characters';
  if (name !== name.trim()) return 'it starts or ends with a space';
  // Letters by Unicode, but look-alikes of ' and " (best-fit code pages map some of them to quotes).
  if (/[\u02B9-\u02BD\u02C8\u02EE]/u.test(name)) return 'it contains a look-alike of a quotation mark';
  if (/--|\/\*|\*\//.test(name)) return 'it contains a T-SQL comment marker (-- /* */)';
  const rule = RULES[kind];
  if (!rule.pattern.test(name)) return `it contains characters not allowed in a ${kind} name; allowed: ${rule.allowed}`;
  if (kind === 'database' && SYSTEM_DATABASES.includes(name.toLowerCase())) return 'system databases cannot be mirrored';
  return undefined;
}

export function allowedFor(kind: IdentifierKind): string {
  return RULES[kind].allowed;
}
