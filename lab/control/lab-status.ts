// What `lab status --json` prints and the control channel answers: everything a client needs to
// reach each instance, and the transactions the simulation has thrown away.

import type { DataLossRecord } from '../model.js';

export interface InstanceStatus {
  name: string;
  /** The simulated Windows host the instance runs on. */
  hostName: string;
  /** Where the TDS listener is: always loopback. */
  host: string;
  /** TDS port. */
  port: number;
  login: string;
  /** Absolute path of the 0600 file with the admin login's password. */
  passwordFile: string;
  /** TCP://<host>.lab.local:<endpoint port> — what SET PARTNER names (the endpoint port is simulated). */
  mirroringAddress: string;
  /** Accepting TDS connections. */
  up: boolean;
  role: 'principal' | 'mirror' | 'witness';
  version: string;
  edition: string;
  serviceAccount: string;
  lastStartupTime: string;
  faults: { down: boolean; isolated: boolean; slowMs: number; clockOffsetMs?: number };
  /** TDS connections open right now. */
  connections: number;
}

export interface LabStatus {
  dir: string;
  pid: number;
  startedAt: string;
  config: string;
  credentials: string;
  logs: string;
  /** PEM certificate of the lab's TLS key (self-signed: it is its own CA), for encrypt + CA checks. */
  tlsCertFile: string;
  instances: InstanceStatus[];
  /** Committed transactions lost by forced service or RESUME's rollback, oldest first. */
  dataLoss: DataLossRecord[];
}
