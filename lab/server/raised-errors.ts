// Errors a batch raises itself (RAISERROR, THROW), told apart from the server's own: SET XACT_ABORT
// does not apply to RAISERROR ("SET XACT_ABORT (Transact-SQL)": "THROW honors XACT_ABORT,
// RAISERROR doesn't").

import { SqlError } from '../errors.js';

export class RaisedError extends SqlError {
  constructor(number: number, message: string, options: { class: number; state: number; honoursXactAbort: boolean }) {
    super(number, message, { class: options.class, state: options.state });
    this.honoursXactAbort = options.honoursXactAbort;
  }
  readonly honoursXactAbort: boolean;
}
