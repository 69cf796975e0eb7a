// The CatalogContext of a statement: lab state, this session, the live sessions and the progress
// of long operations on the instance.

import type { CatalogContext, RequestProgress } from '../catalog/context.js';
import { listActiveRequests } from '../storage/requests.js';
import { findDatabase } from '../instance/scope.js';
import type { SqlCatalog } from '../sql/catalog.js';
import { createCatalog } from '../catalog/catalog.js';
import type { BatchContext } from './batch.js';
import { sessionVariable } from './batch.js';
import { liveSessions } from './sessions.js';
import { sessionFunction } from './try-catch.js';

export function catalogContext(ctx: BatchContext): CatalogContext {
  return {
    lab: ctx.runtime.lab,
    instance: ctx.instance,
    session: ctx.session,
    now: () => ctx.runtime.now(),
    sessions: () => liveSessions(ctx.instance.name),
    progress: (): RequestProgress[] =>
      listActiveRequests(ctx.instance.name).map((request) => ({
        spid: request.sessionId,
        command: request.command,
        percentComplete: request.percentComplete,
        estimatedCompletionMs: request.estimatedCompletionTime,
        startTime: request.startTime,
        database: request.databaseName,
      })),
    database: (name) => findDatabase(ctx.instance, name ?? ctx.session.database),
  };
}

/** The catalog a statement evaluates against: the instance's views plus this batch's variables. */
export function catalogFor(ctx: BatchContext): SqlCatalog {
  return createCatalog(catalogContext(ctx), { variable: (name) => sessionVariable(ctx, name), scalarFunction: (name) => sessionFunction(ctx, name) });
}
