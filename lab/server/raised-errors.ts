// Errors a batch raises itself (RAISERROR, THROW), told apart from the server's own: SET XACT_ABORT
// does not apply to RAISERROR ("SET XACT_ABORT (Transact-SQL)": "THROW honors XACT_ABORT,
// RAISERROR doesn't"), and THROW ends the batch where RAISERROR goes on.

import { SqlError } from '../errors.js';

export class RaisedError extends SqlError {
  constructor(
    number: number,
    message: string,
    options: { class: number; state: number; honoursXactAbort: boolean; endsBatch?: boolean; followUps?: SqlError[] },
  ) {
    super(number, message, { class: options.class, state: options.state, followUps: options.followUps ?? [] });
    this.honoursXactAbort = options.honoursXactAbort;
    this.endsBatch = options.endsBatch ?? false;
  }
  readonly honoursXactAbort: boolean;
  /** THROW: the statements after it do not run (outside TRY…CATCH). */
  readonly endsBatch: boolean;
}
