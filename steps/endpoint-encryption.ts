// An existing endpoint whose encryption differs from the config (the vendor guide builds
// `ENCRYPTION = REQUIRED ALGORITHM RC4`; two endpoints without a common algorithm refuse each other,
// 28027) is realigned to the config — or kept, when the config says RC4 with allowRc4.
// ALTER ENDPOINT restarts the endpoint, so when a mirroring session runs on the instance the
// operator confirms first, and the change goes in two moves: each endpoint first accepts both its
// old and the configured algorithm (`widen`, confirmed), then only the configured one (`narrow`) —
// at every moment the partners still share an algorithm, so the session reconnects at once.
import { endpointNameOf, type EndpointConfig, type MirrorbookConfig, type ServerConfig } from '../config/types.js';
import type { StepContext, StepDefinition } from '../machines/procedure.js';
import { algorithmDesc, algorithmsOf, encryptionClause, readEndpoint } from './create-endpoint.js';
import { rows, type SqlTarget } from './step.js';
import { id, kw, tsql, type Statement } from './tsql.js';

const sessionsQuery = tsql`SELECT DB_NAME(database_id) AS name FROM sys.database_mirroring WHERE mirroring_guid IS NOT NULL`;

async function sessionsOn(ctx: StepContext, target: SqlTarget): Promise<string[]> {
  return (await rows<{ name: string }>(ctx, target, sessionsQuery)).map((r) => r.name);
}

/** The transitional clause: the configured algorithm(s) first, then the endpoint's old ones. */
function widened(found: string, endpoint: EndpointConfig): Statement {
  const old = algorithmsOf(found);
  const wanted = endpoint.encryption === 'DISABLED' ? [] : endpoint.algorithm.split(' ');
  const both = [...new Set([...wanted, ...old.algorithms])];
  if (both.length === 0) return tsql`ENCRYPTION = DISABLED`;
  // SUPPORTED talks to DISABLED and REQUIRED peers alike; REQUIRED when neither side is plain.
  const mode = endpoint.encryption === 'DISABLED' || old.plain || old.algorithms.length === 0 || endpoint.encryption === 'SUPPORTED' ? 'SUPPORTED' : 'REQUIRED';
  return tsql`ENCRYPTION = ${kw(mode)} ALGORITHM ${kw(both.join(' '))}`;
}

/** The endpoint already accepts everything the config asks for (maybe more). */
function accepts(found: string, endpoint: EndpointConfig): boolean {
  const have = algorithmsOf(found);
  if (endpoint.encryption === 'DISABLED') return have.plain || have.algorithms.length === 0;
  return endpoint.algorithm.split(' ').every((alg) => have.algorithms.includes(alg)) && (endpoint.encryption !== 'SUPPORTED' || have.plain);
}

export function endpointEncryptionSteps(target: SqlTarget, instance: string, endpoint: EndpointConfig): { widen: StepDefinition; narrow: StepDefinition } {
  const name = endpointNameOf(endpoint, target);
  const wanted = algorithmDesc(endpoint);
  const finalStatement = tsql`ALTER ENDPOINT ${id('endpoint', name)} FOR DATABASE_MIRRORING (${encryptionClause(endpoint)})`;
  const matches = (desc: string) => String(desc).toUpperCase() === wanted;

  const widen: StepDefinition = {
    id: `${target}.endpoint-encryption-live`,
    title: `Before realigning endpoint ${name} on the ${target} (${instance}) while a mirroring session runs: accept ${wanted} beside its current encryption`,
    target,
    destructive: {
      confirmText: endpoint.name,
      consequences: `ALTER ENDPOINT restarts ${name} on ${instance} twice, to accept both algorithms and then only ${wanted}; its mirroring sessions reconnect at once, but with a witness a restart can look like a lost partner`,
    },
    async probe(ctx) {
      const found = await readEndpoint(ctx, target);
      if (!found || matches(found.encryption_algorithm_desc))
        return { done: true, detail: found ? `endpoint ${found.name} already uses ${wanted}` : 'no mirroring endpoint' };
      const sessions = await sessionsOn(ctx, target);
      if (sessions.length === 0)
        return {
          done: true,
          detail: `endpoint ${found.name} uses ${found.encryption_algorithm_desc}; no mirroring session runs on ${instance}, so the next step changes it to ${wanted} without asking`,
        };
      return {
        done: false,
        detail: `endpoint ${found.name} uses ${found.encryption_algorithm_desc}, the config says ${wanted}, and ${sessions.join(', ')} mirror through it`,
      };
    },
    async apply(ctx) {
      const found = await readEndpoint(ctx, target);
      if (!found || accepts(found.encryption_algorithm_desc, endpoint)) return;
      const statement = tsql`ALTER ENDPOINT ${id('endpoint', found.name)} FOR DATABASE_MIRRORING (${widened(found.encryption_algorithm_desc, endpoint)})`;
      ctx.note(
        `endpoint ${found.name} on ${instance}: ${found.encryption_algorithm_desc} → accepts ${wanted} too, so the session keeps a common algorithm while the partners change one at a time`,
      );
      await ctx.sql(target, statement);
    },
    async verify(ctx) {
      const found = await readEndpoint(ctx, target);
      return found && accepts(found.encryption_algorithm_desc, endpoint)
        ? { done: true, detail: `endpoint ${found.name} accepts ${wanted} (${found.encryption_algorithm_desc})` }
        : { done: false, detail: `endpoint uses ${found?.encryption_algorithm_desc ?? 'nothing'}` };
    },
    plan: () => [
      {
        target,
        tsql: tsql`-- only while a mirroring session runs on this instance and the endpoint does not use the configured encryption yet: ALTER ENDPOINT ${id('endpoint', name)} FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM <configured> <current>)`,
      },
    ],
  };

  const narrow: StepDefinition = {
    id: `${target}.endpoint-encryption`,
    title: `Endpoint ${name} on the ${target} uses the configured encryption (${wanted})`,
    target,
    async probe(ctx) {
      const found = await readEndpoint(ctx, target);
      if (!found) return { done: false, detail: 'no mirroring endpoint' };
      return matches(found.encryption_algorithm_desc)
        ? { done: true, detail: `endpoint ${found.name} uses ${found.encryption_algorithm_desc}` }
        : { done: false, detail: `endpoint ${found.name} uses ${found.encryption_algorithm_desc}, the config says ${wanted}` };
    },
    async apply(ctx) {
      await ctx.sql(target, finalStatement);
    },
    async verify(ctx) {
      const found = await readEndpoint(ctx, target);
      return found && matches(found.encryption_algorithm_desc)
        ? { done: true, detail: `endpoint ${found.name} uses ${wanted}` }
        : { done: false, detail: `endpoint uses ${found?.encryption_algorithm_desc ?? 'nothing'}` };
    },
    plan: () => [{ target, tsql: finalStatement }],
  };
  return { widen, narrow };
}

/** Every endpoint first accepts the configured encryption (asked only while a session runs on it),
 * then uses only that: the partners never lack a common algorithm on the way. */
export function realignEncryption(config: MirrorbookConfig, servers: ServerConfig[]): StepDefinition[] {
  const steps = servers.map((s) => endpointEncryptionSteps(s.role, s.instance, config.endpoint));
  return [...steps.map((s) => s.widen), ...steps.map((s) => s.narrow)];
}
