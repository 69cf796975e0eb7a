// A secret from the configuration (master key password, endpoint login password, SQL credentials).
// It renders masked everywhere — string interpolation, JSON, console.log/util.inspect — so it can
// travel through events, snapshots and audit records without leaking. Only `reveal()` gives the
// value, and only steps/tsql.ts and steps/connection.ts call it.
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../errors/operator-error.js';
import { SECRET_FILE_LIMIT, readBoundedFile } from './bounded-file.js';
import { quoted } from './schema.js';

export const MASK = '****';

const inspectCustom = Symbol.for('nodejs.util.inspect.custom');

export class Secret {
  readonly #value: string;

  /** `source` says where the value came from ("env:MB_MASTER_KEY"); it is safe to show. */
  constructor(
    value: string,
    readonly source: string = 'literal',
  ) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [Symbol.toPrimitive](): string {
    return MASK;
  }

  [inspectCustom](): string {
    return `Secret(${MASK} from ${this.source})`;
  }
}

export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}

export const SECRET_FORMS_HINT =
  'write where the secret comes from instead of the secret itself:\n' +
  '  env:NAME   read from the environment variable NAME\n' +
  '  file:PATH  read from a file (PATH relative to the config file; a trailing newline is trimmed)';

export interface SecretSources {
  /** Directory of the config file: `file:` paths are relative to it. */
  baseDir: string;
  env: NodeJS.ProcessEnv;
}

/** Resolves a config value `env:NAME` / `file:PATH` to a Secret; `field` is the config path
 * ("secrets.masterKeyPassword") named in every error. A literal is refused. */
export function resolveSecret(raw: unknown, field: string, sources: SecretSources): Secret {
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new UsageError(`${field}: expected a secret reference (env:NAME or file:PATH)`, SECRET_FORMS_HINT);
  }
  if (raw.startsWith('env:')) {
    const name = raw.slice('env:'.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new UsageError(`${field}: ${quoted(raw)} is not a valid environment variable reference`, SECRET_FORMS_HINT);
    }
    const value = sources.env[name];
    if (value === undefined || value === '') {
      throw new UsageError(`${field}: environment variable ${name} is not set or empty`, `export ${name}=… before running, or use file:PATH`);
    }
    return new Secret(value, raw);
  }
  if (raw.startsWith('file:')) {
    const path = raw.slice('file:'.length);
    if (path.length === 0) throw new UsageError(`${field}: "file:" needs a path`, SECRET_FORMS_HINT);
    const full = isAbsolute(path) ? path : resolve(sources.baseDir, path);
    const content = readBoundedFile(full, {
      limit: SECRET_FILE_LIMIT,
      what: 'secret file',
      field,
      missingHint: 'check the path (relative to the config file) and its permissions',
    });
    const value = content.replace(/\r?\n$/, '');
    if (value.length === 0) throw new UsageError(`${field}: secret file ${full} is empty`, 'write the secret into the file');
    return new Secret(value, raw);
  }
  throw new UsageError(`${field}: a literal secret is not allowed in the config file`, SECRET_FORMS_HINT);
}
