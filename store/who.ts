import { hostname, userInfo } from 'node:os';

/** The OS user and host this process runs as: the "who" of audit records and locks. */
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
