// One row of `mirrorbook check`: what a preflight check found on one server. A check reads, never
// writes; `run` refuses to send any change while a row says ✗. Checks are listed in registry.ts.
import type { MirrorbookConfig, PartnerRole, ServerConfig } from '../config/types.js';
import type { Statement } from '../steps/tsql.js';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Finding {
  /** The check's id ("database-exists"). */
  check: string;
  /** The instance the row is about, or "config" / "pair". */
  server: string;
  verdict: Verdict;
  found: string;
  /** What to do about it; every ✗ and ⚠ has one. */
  hint?: string;
  /** The role of `server` in the pair (set by the preflight); absent for "config" / "pair". */
  role?: PartnerRole;
  /** The configured databases the row is about; absent: the server (or pair) as a whole. */
  databases?: string[];
}

/** What a server said about itself, read once by the preflight and shared by every check. */
export interface ServerFacts {
  serverName: string;
  /** 10 for 2008 / 2008 R2, 11 for 2012 …; from ProductVersion (ProductMajorVersion is 2012+). */
  major: number;
  minor: number;
  productVersion: string;
  edition: string;
  /** SERVERPROPERTY('EngineEdition'): 2 Standard, 3 Enterprise/Developer, 4 Express. */
  engineEdition: number;
  /** The server's clock, UTC. */
  utcNow: Date;
}

export interface Server {
  role: PartnerRole;
  config: ServerConfig;
  /** Undefined when the server could not be read: `error` says why (the `reachable` row). */
  facts?: ServerFacts;
  error?: { message: string; hint?: string; unreachable: boolean };
}

export interface PreflightContext {
  config: MirrorbookConfig;
  procedure: string;
  /** The procedure's options as the run is given them ('--remove-backups'); what it needs depends on them. */
  options: readonly string[];
  /** The partners and the witness, in that order. */
  servers: Server[];
  /** A read-only statement on one server: the rows of its last non-empty result set. */
  rows<T = Record<string, unknown>>(role: PartnerRole, statement: Statement): Promise<T[]>;
}

export interface PreflightCheck {
  id: string;
  /** What the check is about, for `check --help` and the docs. */
  title: string;
  /** Reads only the config (no server): also printed when a run resumes. */
  offline?: true;
  /** The procedures it matters to; absent: every procedure. */
  procedures?: readonly string[];
  /** The steps (by id) a ✗ of this check keeps from running, when not every step on its server
   * (or of its database) needs what it checks; `plan` lists the check on those only. */
  blocks?: RegExp;
  /** The rows it found. Called only with reachable servers in `ctx.servers` having facts; a throw
   * becomes a ✗ row naming the check. */
  run(ctx: PreflightContext): Promise<Finding[]>;
}

export const ok = (check: string, server: string, found: string): Finding => ({ check, server, verdict: 'ok', found });
export const warn = (check: string, server: string, found: string, hint: string): Finding => ({ check, server, verdict: 'warn', found, hint });
export const fail = (check: string, server: string, found: string, hint: string): Finding => ({ check, server, verdict: 'fail', found, hint });

/** The same row, about some of the configured databases only. */
export const about = (finding: Finding, databases: string[]): Finding => ({ ...finding, databases });

/** The servers a check can ask: those that answered. */
export const reachable = (ctx: PreflightContext): (Server & { facts: ServerFacts })[] =>
  ctx.servers.filter((s): s is Server & { facts: ServerFacts } => s.facts !== undefined);

export const partnersOf = (ctx: PreflightContext) => reachable(ctx).filter((s) => s.role !== 'witness');

/** Procedures that change the pair's setup (the rest act on an existing session). */
export const SETUP_PROCEDURES = ['domain-setup', 'certificate-setup', 'restore', 'enable', 'setup'] as const;
