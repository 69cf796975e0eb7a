// audit.key in mirrorbook.yaml: an env: or file: secret that turns the audit chain into an HMAC
// (store/audit-chain.ts), so someone with the store file but not the key cannot rebuild a chain
// that verifies. The commands that only touch the store (unlock, audit) read this one setting
// without requiring the rest of the config (a server password an auditor does not have).
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors/operator-error.js';
import { CONFIG_FILE_LIMIT, readBoundedFile } from './bounded-file.js';
import { Issues, mapping } from './schema.js';
import { resolveSecret, type Secret, type SecretSources } from './secret.js';

const MIN_KEY_LENGTH = 16;

/** Reads the `audit` mapping; issues are recorded like every other field's. */
export function readAuditSection(value: unknown, issues: Issues, sources: SecretSources): { key?: Secret } | undefined {
  const raw = mapping(value, 'audit', ['key'], issues);
  if (!raw || raw.key === undefined) return raw ? {} : undefined;
  try {
    const key = resolveSecret(raw.key, 'audit.key', sources);
    if (key.reveal().length < MIN_KEY_LENGTH) {
      issues.add('audit.key', `the key must be at least ${MIN_KEY_LENGTH} characters (e.g. the output of \`openssl rand -hex 32\`)`);
      return undefined;
    }
    return { key };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    issues.add('audit.key', error.message.replace(/^audit\.key: /, ''));
    return undefined;
  }
}

/** The audit key from the config file, if the file exists and sets one. */
export function readAuditKey(configPath: string, env: NodeJS.ProcessEnv): Buffer | undefined {
  if (!existsSync(configPath)) return undefined;
  const text = readBoundedFile(configPath, { limit: CONFIG_FILE_LIMIT, what: 'config file' });
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw new UsageError(`${configPath}: not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, 'fix the YAML syntax');
  let top: unknown;
  try {
    top = doc.toJS();
  } catch (error) {
    throw new UsageError(`${configPath}: not valid YAML: ${(error as Error).message}`, 'write the values out instead of repeating them through aliases');
  }
  const audit = top !== null && typeof top === 'object' ? (top as Record<string, unknown>).audit : undefined;
  const issues = new Issues();
  const section = readAuditSection(audit, issues, { baseDir: dirname(configPath), env });
  if (!issues.empty) {
    throw new UsageError(
      `${configPath}: invalid configuration\n${issues.list.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      'nothing was executed; fix the fields above and run again',
    );
  }
  const key = section?.key;
  return key ? Buffer.from(key.reveal(), 'utf8') : undefined;
}
