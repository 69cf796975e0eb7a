// The ready-to-use mirrorbook.yaml a lab writes for its pair (format owned by config/; secrets are
// `file:` references relative to the config file, never literals). Written with a few lines of its
// own rather than the yaml package: loading and running that cost every lab start ~25 ms of CPU for
// two small files of nested keys and plain values.

import { relative } from 'node:path';
import { writeFileAtomic } from '../persist/atomic-file.js';
import type { LabDir } from './lab-dir.js';
import { ENDPOINT_LOGIN_SECRET, MASTER_KEY_SECRET } from './credentials.js';
import { passwordFile } from './lab-dir.js';
import type { InstanceStatus } from './lab-status.js';

export interface LabConfigInput {
  instances: InstanceStatus[];
  backup: { directory: string; mirrorReadsFrom: string; mirrorDirectory: string; principalReadsFrom: string };
}

export function labConfig(dir: LabDir, input: LabConfigInput): Record<string, unknown> {
  const fileRef = (path: string): string => `file:${relative(dir.root, path).split('\\').join('/')}`;
  // The server's certificate is verified against the lab's own (caFile), by the name it carries:
  // localhost for the loopback address the lab listens on.
  const server = (i: InstanceStatus) => ({
    server: i.host === '127.0.0.1' ? 'localhost' : i.host,
    port: i.port,
    instance: i.name,
    login: i.login,
    password: fileRef(i.passwordFile),
    encrypt: true,
    caFile: relative(dir.root, dir.tlsCert).split('\\').join('/'),
    mirroringAddress: i.mirroringAddress,
  });
  const byRole = (role: InstanceStatus['role']) => input.instances.find((i) => i.role === role);
  const principal = byRole('principal');
  const mirror = byRole('mirror');
  const witness = byRole('witness');
  if (!principal || !mirror) throw new Error('a lab needs a principal and a mirror instance');
  return {
    preset: 'patriot',
    pair: { principal: server(principal), mirror: server(mirror), ...(witness ? { witness: server(witness) } : {}) },
    secrets: {
      masterKeyPassword: fileRef(passwordFile(dir, MASTER_KEY_SECRET)),
      endpointLoginPassword: fileRef(passwordFile(dir, ENDPOINT_LOGIN_SECRET)),
    },
    backup: input.backup,
  };
}

/** The service account of the lab's domain LAB that the domain config's endpoints authenticate as. */
export const LAB_SERVICE_ACCOUNT = 'LAB\\sqlmirror';

/** The same pair with Windows authentication between the partners (auth.mode: domain): what
 * `domain-setup` rehearses once both services run as LAB\sqlmirror (`lab service-account`). The
 * witness is left out: its endpoint keeps the certificate setup of the main config. */
export function labDomainConfig(dir: LabDir, input: LabConfigInput): Record<string, unknown> {
  const config = labConfig(dir, input);
  const { witness: _witness, ...pair } = config.pair as Record<string, unknown>;
  return { ...config, pair, auth: { mode: 'domain', serviceAccount: LAB_SERVICE_ACCOUNT } };
}

export function writeLabConfig(dir: LabDir, input: LabConfigInput): void {
  const header = `# Written by \`mirrorbook lab start\` for the lab in ${dir.root}.\n`;
  writeFileAtomic(dir.config, header + yamlMapping(labConfig(dir, input)), { mode: 0o644 });
  writeFileAtomic(
    dir.domainConfig,
    `${header}# Windows authentication between the partners: both services must run as ${LAB_SERVICE_ACCOUNT} (lab service-account).\n` +
      yamlMapping(labDomainConfig(dir, input)),
    { mode: 0o644 },
  );
}

/** A block mapping of mappings, strings, numbers and booleans, as the yaml package writes it. */
export function yamlMapping(value: Record<string, unknown>, indent = ''): string {
  return Object.entries(value)
    .map(([key, inner]) =>
      inner !== null && typeof inner === 'object'
        ? `${indent}${key}:\n${yamlMapping(inner as Record<string, unknown>, `${indent}  `)}`
        : `${indent}${key}: ${yamlScalar(inner)}\n`,
    )
    .join('');
}

/** Plain when YAML reads it back as the same string (paths, addresses, `file:` references), else
 * double-quoted (JSON's escapes are YAML's). */
function yamlScalar(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = String(value);
  const plain = /^[A-Za-z\\][\w .:/\\-]*$/.test(text) && !/: | #|:$|\s$/.test(text) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(text);
  return plain ? text : JSON.stringify(text);
}
