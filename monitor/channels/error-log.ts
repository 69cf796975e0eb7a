// monitor.errorLog: each event also written into the current principal's SQL Server error log and
// Windows Application event log with xp_logevent (error 60000, severity by the event), so SQL Agent
// alerts and event-log collectors the site already has fire on it. xp_logevent takes a user error
// number above 50,000 and a message of up to 2048 characters; the login needs sysadmin or
// db_owner in master (learn.microsoft.com, xp_logevent).
import type { MirrorbookConfig, PartnerRole } from '../../config/types.js';
import { partners } from '../../config/types.js';
import { PairConnections } from '../../steps/connection.js';
import { lit, tsql } from '../../steps/tsql.js';
import type { MonitorEvent } from '../events.js';
import { Queue, type Channel } from './channel.js';

function severityOf(e: MonitorEvent): 'ERROR' | 'WARNING' | 'INFORMATIONAL' {
  if (e.type === 'cleared' || e.type === 'notice') return 'INFORMATIONAL';
  return e.severity === 'critical' ? 'ERROR' : 'WARNING';
}

export function errorLogChannel(config: MirrorbookConfig, warn: (line: string) => void): Channel {
  const connections = new PairConnections(config, { connectTimeoutMs: config.monitor.connectTimeoutSeconds * 1000 });
  const write = async (e: MonitorEvent): Promise<void> => {
    const principal = e.roles.find((r) => r.current === 'principal');
    const server = principal && partners(config).find((s) => s.instance === principal.instance);
    if (!server) return; // no principal answers: the other channels carry the event
    const text = `mirrorbook monitor ${e.type}: ${e.message}${e.type === 'cleared' ? '' : ` — ${e.advice}`}`.slice(0, 2048);
    try {
      await connections.query(server.role as PartnerRole, tsql`EXEC master.dbo.xp_logevent 60000, ${lit(text)}, ${lit(severityOf(e))}`, AbortSignal.timeout(10_000));
    } catch (error) {
      warn(`could not write to ${server.instance}'s error log: ${(error as Error).message}`);
    }
  };
  const queue = new Queue<MonitorEvent>(write, 1000, (dropped) => warn(`error log channel too far behind: ${dropped.type} ${dropped.key} dropped`));
  return {
    name: 'errorLog',
    send: (e) => queue.push(e),
    close: async (ms) => {
      await queue.idle(ms);
      await connections.close();
    },
  };
}
