// Client connections a role change throws out. The mirroring state machine only knows databases;
// whoever holds the real TDS sessions (lab/server, the lab process) subscribes and drops them.

export interface ClientsDisconnected {
  instance: string;
  database: string;
  /** Simulated client programs that were using the database (already removed from the state). */
  programSpids: number[];
  reason: 'FAILOVER' | 'FORCE_SERVICE' | 'ROLE_CHANGE' | 'QUORUM_LOST' | 'SINGLE_USER';
  /** The session that asked for it (ALTER DATABASE … SET SINGLE_USER WITH ROLLBACK) stays. */
  exceptSpid?: number;
}

type Listener = (event: ClientsDisconnected) => void;
const listeners = new Set<Listener>();

export function onClientsDisconnected(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function announceClientsDisconnected(event: ClientsDisconnected): void {
  for (const listener of listeners) listener(event);
}
