// `audit verify` on a store file: opened through a private view (nothing beside the store is
// written), never migrated — a store an older build wrote is proved as it is.
import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { proveDb } from './audit-proof.js';
import { refuseForeignDatabase, schemaVersion } from './migrate.js';
import { migrations } from './migrations/index.js';
import { refuseNonStore } from './open.js';
import { privateView, type PrivateView } from './private-view.js';
import { guarded } from './sqlite-errors.js';
import { SCAN_CACHE_SIZE } from './integrity-check.js';
import { StoreError, type RunAnchor, type StoreProof } from './types.js';

/** How many times verify reads a store again that a run wrote to while it was read. */
const VIEW_ATTEMPTS = 3;

type ProofOptions = { key?: Buffer; anchors?: readonly RunAnchor[]; anchorsReadOn?: readonly string[] };

/** Reads the store again when a run wrote to it meanwhile (private-view.ts `changed`). */
export function proveStoreFile(path: string, options: ProofOptions = {}): StoreProof & { schemaVersion: number } {
  const file = resolve(path);
  return guarded(file, () => {
    refuseNonStore(file);
    for (let attempt = 1; ; attempt++) {
      const view = privateView(file);
      let proof: (StoreProof & { schemaVersion: number }) | undefined;
      try {
        proof = proveView(file, view, options);
      } catch (error) {
        // A read torn by a checkpoint can fail outright (a page that no longer fits): read again.
        if (!view.changed()) throw error;
      } finally {
        view.dispose();
      }
      if (proof && !view.changed()) return proof;
      if (attempt === VIEW_ATTEMPTS) {
        throw new StoreError(
          'locked',
          `the store ${file} was written while it was being verified, ${VIEW_ATTEMPTS} times over`,
          'verify it again once the run writing to it has ended',
        );
      }
    }
  });
}

function proveView(file: string, view: PrivateView, options: ProofOptions): StoreProof & { schemaVersion: number } {
  const db = new Database(view.path, { readonly: true, fileMustExist: true });
  try {
    refuseForeignDatabase(db, file);
    db.pragma(`cache_size = ${SCAN_CACHE_SIZE}`);
    const version = schemaVersion(db);
    const known = migrations.at(-1)!.version;
    if (version > known) {
      throw new StoreError(
        'too-new',
        `the store ${file} has schema version ${version}, newer than this mirrorbook understands (${known})`,
        'verify it with the mirrorbook version that wrote it (or newer)',
      );
    }
    return {
      ...proveDb(db, {
        ...(options.key ? { key: options.key } : {}),
        ...(options.anchors ? { anchors: options.anchors } : {}),
        ...(options.anchorsReadOn ? { anchorsReadOn: options.anchorsReadOn } : {}),
        walBytes: view.walBytes,
        viewPath: view.path,
      }),
      schemaVersion: version,
    };
  } finally {
    db.close();
  }
}
