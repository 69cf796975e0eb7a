// The requests the control channel understands (JSON over HTTP on 127.0.0.1, bearer token).

export type FaultKind = 'down' | 'up' | 'isolate' | 'heal' | 'slow' | 'clock';

export type ControlRequest =
  | { op: 'status' }
  | { op: 'stop' }
  /** `ms`: the delay of slow, or how far clock sets the host's clock off the real one (signed). */
  | { op: 'fault'; instance: string; fault: FaultKind; ms?: number }
  /** Transactions per second the workload commits in the instance's user databases (or one). */
  | { op: 'workload'; instance: string; tps: number; database?: string }
  | { op: 'sessions'; instance: string; action: 'list' | 'start' | 'stop'; program?: string }
  /** With a password: a local account (.\\name) created or updated on the instance's host first. */
  | { op: 'service-account'; instance: string; account: string; password?: string }
  /** The Windows host of an instance ('*': every host). */
  | { op: 'host'; instance: string; change: HostChange }
  /** A network drop of some clients' connections: every live TDS session of the instance whose
   * program_name starts with `program` is closed (its session-owned locks go with it). */
  | { op: 'disconnect'; instance: string; program: string }
  /** Copies a file as an administrator on the instance's host would (local or UNC paths). */
  | { op: 'copy'; instance: string; from: string; to: string }
  /** The site has an Always On availability group with a replica on the instance (and on `otherReplicas`,
   * server name → endpoint URL); without `endpointUrl` the group is removed. */
  | {
      op: 'availability-group';
      instance: string;
      name: string;
      endpointUrl?: string;
      otherReplicas?: Record<string, string>;
      replicaServerName?: string;
      databases?: string[];
    }
  /** Without name/value: the instance's switches; with them: set one (all instances when instance is '*'). */
  | { op: 'behaviour'; instance: string; name?: string; value?: string };

export type HostChange =
  | { kind: 'workgroup' }
  | { kind: 'domain'; name?: string }
  /** Default data and log folders (created if missing). */
  | { kind: 'paths'; data?: string; log?: string }
  | { kind: 'mkdir'; path?: string }
  | { kind: 'volume'; drive?: string; totalGB?: number; freeGB?: number }
  /** Who the share grants (replaces the list): accounts or groups (Everyone, LAB\\Domain Computers …). */
  | { kind: 'share'; name?: string; grant?: string[] };

export type ControlResponse = { ok: true; result: unknown } | { ok: false; error: string; hint?: string; usage?: true };

/** An operator mistake the control channel reports without a stack (unknown instance …). */
export class ControlError extends Error {
  /** `usage`: the request named something the lab does not have (an instance, a switch, a value):
   * the CLI exits 2, as for any bad argument. */
  constructor(
    message: string,
    readonly hint?: string,
    readonly usage = false,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}
