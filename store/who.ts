import { hostname, userInfo } from 'node:os';

/** Who runs a command: the "who" of runs, audit records and locks. */
export interface Who {
  /** The name given with --operator, or user@host. */
  operator: string;
  osUser: string;
  host: string;
}

/** The OS user this process runs as; userInfo() throws for a uid without a passwd entry (containers). */
export function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

export function currentHost(): string {
  return hostname();
}

export function currentWho(operatorName?: string): Who {
  const osUser = currentOsUser();
  const host = currentHost();
  return { operator: operatorName ?? `${osUser}@${host}`, osUser, host };
}
