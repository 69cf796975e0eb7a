// Where everything of one lab lives inside its directory D.

import { join } from 'node:path';

export interface LabDir {
  root: string;
  /** The lab state (lab/persist). */
  state: string;
  /** pid, control port and token of the running process (0600); absent when stopped. */
  control: string;
  /** Held by the running process so that two processes never serve one directory. */
  lock: string;
  /** One 0600 file per secret, referenced from mirrorbook.yaml as `file:credentials/<name>`. */
  credentials: string;
  /** A ready config for the pair. */
  config: string;
  /** The same pair with auth.mode: domain (lab/control/lab-config-file.ts). */
  domainConfig: string;
  /** Batch logs, one NDJSON file per instance. */
  logs: string;
  /** stdout/stderr of the lab process. */
  processLog: string;
  /** The lab's TLS certificate (self-signed: it is its own CA), the config's caFile. */
  tlsCert: string;
}

export function labDir(root: string): LabDir {
  return {
    root,
    state: join(root, 'state.json'),
    control: join(root, 'control.json'),
    lock: join(root, 'lab.lock'),
    credentials: join(root, 'credentials'),
    config: join(root, 'mirrorbook.yaml'),
    domainConfig: join(root, 'mirrorbook-domain.yaml'),
    logs: join(root, 'logs'),
    processLog: join(root, 'lab-process.log'),
    tlsCert: join(root, 'tls-cert.pem'),
  };
}

export function batchLogPath(dir: LabDir, instance: string): string {
  return join(dir.logs, `${instance.replace(/[\\/]/g, '$')}.ndjson`);
}

export function passwordFile(dir: LabDir, name: string): string {
  return join(dir.credentials, `${name.replace(/[\\/]/g, '$')}.password`);
}
