// An error as the operator sees it on one line: SQL Server's number, then the message.

import type { ErrorSummary } from '../machines/events.js';

export function errorLine(error: ErrorSummary): string {
  return `${error.number !== undefined ? `error ${error.number}: ` : ''}${error.message}`;
}
