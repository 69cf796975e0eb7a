// What `audit verify` proves from the store file alone: SQLite's integrity check, a schema nobody
// rolled back, the hash chain, every table the reports use tied to the chain, and no run whose WAL
// went missing. Read-only: it is run on a private view (store/private-view.ts).
import type Database from 'better-sqlite3';
import { verifyChain } from './audit-verify.js';
import { integrityCheck, type IntegrityLines, type PendingCheck } from './integrity-check.js';
import { beside, besideWorthIt } from './beside.js';
import { Ties } from './audit-ties.js';
import { lostWalFindings } from './wal-guard.js';
import { schemaVersion } from './migrate.js';
import { anchorFindings, storeIdFindings } from './anchor-check.js';
import type { Finding, RunAnchor, StoreProof } from './types.js';

export interface ProofOptions {
  key?: Buffer;
  /** Size of the store's WAL file when it was opened. */
  walBytes: number;
  /** The anchors read from the servers, when they were (store/anchor-check.ts). */
  anchors?: readonly RunAnchor[];
  /** The servers those anchors were read from (all of them, with or without anchors). */
  anchorsReadOn?: readonly string[];
  /** The private view `db` reads (nobody writes it): on a large store the integrity check and part
   * of the chain walk run beside this thread on it. */
  viewPath?: string;
  /** Whether that work runs beside this thread; default: when the view is large enough to gain (store/beside.ts). */
  beside?: boolean;
}

/** The objects each schema version adds that tampering would drop or that a rolled-back
 * schema_migrations would not account for. */
const SCHEMA_OBJECTS: { version: number; type: 'table' | 'trigger'; name: string }[] = [
  { version: 1, type: 'trigger', name: 'audit_no_update' },
  { version: 1, type: 'trigger', name: 'audit_no_delete' },
  { version: 1, type: 'trigger', name: 'intents_no_update' },
  { version: 1, type: 'trigger', name: 'intents_no_delete' },
  { version: 1, type: 'trigger', name: 'outcomes_no_update' },
  { version: 1, type: 'trigger', name: 'outcomes_no_delete' },
  { version: 2, type: 'table', name: 'audit_head' },
  { version: 3, type: 'table', name: 'unsettled_runs' },
  { version: 3, type: 'table', name: 'tie_start' },
  { version: 3, type: 'trigger', name: 'audit_head_forward' },
];

export function proveDb(db: Database.Database, options: ProofOptions): StoreProof {
  const besidePath = (options.beside ?? besideWorthIt(options.viewPath)) ? options.viewPath : undefined;
  // How the work beside this thread went: the walk's split, a worker that gave no answer.
  const trace: string[] = [];
  const integrity = integrityCheck(db, besidePath, (line) => trace.push(line));
  try {
    return proveInTransaction(db, options, integrity, besidePath, trace);
  } finally {
    integrity.dispose();
  }
}

/** One read transaction: the tables and records checked after the walk are the ones it verified. */
function proveInTransaction(
  db: Database.Database,
  options: ProofOptions,
  integrity: PendingCheck,
  besidePath: string | undefined,
  trace: string[],
): StoreProof {
  return db.transaction((): StoreProof => {
    const schema = schemaFindings(db);
    const ties = new Ties(db);
    try {
      let checked: ReturnType<Ties['check']> | undefined;
      const chain = verifyChain(db, {
        ...(options.key ? { key: options.key } : {}),
        // On a large store this thread keeps the tied records of its part of the chain as it walks
        // it, then those of the rest and checks the tables while a worker walks that rest.
        ...(besidePath
          ? {
              beside: { walk: (from, checks) => beside(besidePath, { kind: 'walk', from, ...checks }) },
              scan: ties.walking,
              meanwhile: (from) => {
                ties.keepFrom(from);
                checked = ties.check();
              },
              trace: (line) => trace.push(line),
            }
          : {}),
      });
      // A chain that does not hold ties no table (its records from the break on, and any moved
      // before its first, are not evidence); the anchor records before the break still name the
      // store they were written for.
      if (!chain.ok) ties.keep(Math.min(chain.firstBad.seq, chain.count + 1));
      else if (!checked) {
        ties.keep();
        checked = ties.check();
      }
      const tied = chain.ok && checked ? checked : { findings: [], notes: [] };
      const findings: Finding[] = [...integrityFindings(integrity.lines()), ...schema, ...tied.findings];
      const notes = [...tied.notes];
      findings.push(...lostWalFindings(db, options.walBytes), ...storeIdFindings(db, (storeId) => ties.anchorNamingOther(storeId)));
      if (options.anchors) {
        const anchored = anchorFindings(db, options.anchors, options.anchorsReadOn);
        findings.push(...anchored.findings);
        notes.push(...anchored.notes);
      }
      return { chain, findings, notes, trace };
    } finally {
      ties.dispose();
    }
  })();
}

function integrityFindings(lines: IntegrityLines): Finding[] {
  if (lines.length === 1 && lines[0] === 'ok') return [];
  return [{ problem: 'corrupt', detail: `SQLite's integrity check fails: ${lines.join('; ')}` }];
}

function schemaFindings(db: Database.Database): Finding[] {
  const version = schemaVersion(db);
  const present = new Set(db.prepare("SELECT type || ':' || name FROM sqlite_master WHERE type IN ('table', 'trigger')").pluck().all() as string[]);
  const findings: Finding[] = [];
  const ahead = SCHEMA_OBJECTS.filter((o) => o.version > version && present.has(`${o.type}:${o.name}`));
  if (ahead.length > 0) {
    findings.push({
      problem: 'schema',
      detail: `schema_migrations says version ${version}, but the store holds ${ahead.map((o) => `${o.type} ${o.name}`).join(', ')} of version ${Math.max(...ahead.map((o) => o.version))}: its schema history was rolled back`,
    });
  }
  const missing = SCHEMA_OBJECTS.filter((o) => o.version <= version && !present.has(`${o.type}:${o.name}`) && o.name !== 'audit_head');
  if (missing.length > 0) {
    findings.push({
      problem: 'schema',
      detail: `${missing.map((o) => `${o.type} ${o.name}`).join(', ')} of schema version ${version} ${missing.length === 1 ? 'is' : 'are'} gone: someone removed what keeps the records append-only`,
    });
  }
  if (version < 2) {
    findings.push({
      problem: 'schema',
      detail: `the store is at schema version ${version}, which keeps no chain head: records cut off its end cannot be detected from the file`,
    });
  }
  return findings;
}
