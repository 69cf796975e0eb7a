// The commented mirrorbook.yaml `mirrorbook init` writes for real servers: every value given or
// defaulted, each with a comment saying what it is and what to check. Secrets are references
// (env:NAME / file:PATH) only; load.ts reads the result like any other config.

import { PATRIOT } from './preset.js';
import type { PartnerRole } from './types.js';

export interface ServerAnswers {
  host: string;
  port: number;
  /** What @@SERVERNAME answers. */
  instance: string;
  login: string;
  /** env:NAME or file:PATH */
  password: string;
  caFile?: string;
}

export interface ConfigAnswers {
  principal: ServerAnswers;
  mirror: ServerAnswers;
  witness?: ServerAnswers;
  databases: string[];
  backupDirectory: string;
  backupShare: string;
  masterKeyPassword: string;
  endpointLoginPassword: string;
  /** Domain authentication between the endpoints with this service account (else certificates). */
  serviceAccount?: string;
}

/** A YAML single-quoted scalar: no escapes but '' (Windows paths stay as typed). */
const q = (value: string): string => `'${value.replaceAll("'", "''")}'`;

function server(role: PartnerRole, s: ServerAnswers): string[] {
  return [
    `  ${role}:`,
    `    server: ${q(s.host)}             # what mirrorbook connects to (TDS); with caFile, the name in the server's certificate`,
    `    port: ${s.port}`,
    `    instance: ${q(s.instance)}       # what SELECT @@SERVERNAME answers there; anything else is refused before a statement is sent`,
    `    login: ${q(s.login)}            # the mirrorbook login: its least privileges are in docs/grant-mirrorbook-login.sql`,
    `    password: ${q(s.password)}`,
    '    encrypt: true                   # TLS; strict = TDS 8.0 (SQL Server 2022)',
    s.caFile
      ? `    caFile: ${q(s.caFile)}       # the CA that signed the server's certificate`
      : "    # caFile: 'certs/corp-ca.pem'  # the CA that signed the server's certificate (without it the system's CAs are used)",
    `    mirroringAddress: ${q(`TCP://${s.host}:${PATRIOT.endpoint.port}`)}   # how the partners reach this instance's endpoint`,
  ];
}

export function renderConfig(answers: ConfigAnswers, writtenBy: string): string {
  const databases = answers.databases.length > 0 ? answers.databases : PATRIOT.databases;
  return [
    `# mirrorbook.yaml — written by \`${writtenBy}\`.`,
    '# Every field is described in config/README.md. Check it with `mirrorbook check setup` (reads only),',
    '# then `mirrorbook plan setup` shows every statement before anything runs.',
    '',
    'preset: patriot                     # Patriot names: Endpoint_Mirroring on 1430, PRINCIPAL_/MIRROR_ certificates, logins and users',
    'pair:',
    ...server('principal', answers.principal),
    ...server('mirror', answers.mirror),
    ...(answers.witness
      ? server('witness', answers.witness)
      : ['  # witness:                        # optional: a third instance for automatic failover (same keys)']),
    `databases: [${databases.map(q).join(', ')}]`,
    'backup:',
    `  directory: ${q(answers.backupDirectory)}          # where the principal writes the backups that seed the mirror (local to the principal)`,
    `  mirrorReadsFrom: ${q(answers.backupShare)}        # the same folder as the mirror's SQL Server service account reads it`,
    ...(answers.serviceAccount
      ? ['auth:', '  mode: domain', `  serviceAccount: ${q(answers.serviceAccount)}   # the domain account both SQL Server services run as`]
      : [
          'auth:',
          '  mode: certificate                 # certificates between the endpoints (no domain needed)',
          '  expiryYears: 20',
          'secrets:                            # env:NAME or file:PATH (relative to this file) — never the secret itself',
          `  masterKeyPassword: ${q(answers.masterKeyPassword)}`,
          `  endpointLoginPassword: ${q(answers.endpointLoginPassword)}`,
        ]),
    'safety: FULL                        # high safety: a commit waits for the mirror (OFF needs Enterprise)',
    '# audit:',
    "#   key: 'env:MB_AUDIT_KEY'          # HMAC the audit chain (at least 16 characters: openssl rand -hex 32)",
    '',
  ].join('\n');
}
