// An error SQL Server would answer with. Thrown by the lab's statement implementations and turned
// into an ERROR token (class ≥ 11) by lab/server; the number, class and state are what clients see.

export class SqlError extends Error {
  readonly number: number;
  readonly class: number;
  readonly state: number;
  /** Extra messages SQL Server sends after this one (e.g. 3013 "… is terminating abnormally."). */
  readonly followUps: SqlError[];

  constructor(number: number, message: string, options: { class?: number; state?: number; followUps?: SqlError[] } = {}) {
    super(message);
    this.name = 'SqlError';
    this.number = number;
    this.class = options.class ?? 16;
    this.state = options.state ?? 1;
    this.followUps = options.followUps ?? [];
  }
}

/** Msg 102: the answer to anything the lab does not understand — never a silent success. */
export function syntaxError(near: string): SqlError {
  return new SqlError(102, `Incorrect syntax near '${near}'.`, { class: 15 });
}
