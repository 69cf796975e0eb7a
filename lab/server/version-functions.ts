// Built-in functions that came with SQL Server 2012 (11.x): on a 2008 R2 instance the batch fails
// to compile with Msg 195, as it would there (each function's page: "Applies to: SQL Server 2012
// (11.x) and later" — IIF, CONCAT, CHOOSE, FORMAT, EOMONTH, TRY_CONVERT, TRY_CAST, TRY_PARSE, PARSE,
// DATEFROMPARTS).

import { SqlError } from '../errors.js';
import type { SqlVersionName } from '../model.js';
import { atLeast } from '../instance/version.js';
import { tokenize } from '../sql/lexer.js';

const SINCE_2012 = new Set(['IIF', 'CONCAT', 'CHOOSE', 'FORMAT', 'EOMONTH', 'TRY_CONVERT', 'TRY_CAST', 'TRY_PARSE', 'PARSE', 'DATEFROMPARTS']);

/** Throws Msg 195 (with the line) for the first 2012+ function a batch calls on an older instance. */
export function requireFunctionsOf(version: SqlVersionName, sql: string): void {
  if (atLeast(version, '2012')) return;
  const tokens = tokenize(sql);
  tokens.forEach((token, i) => {
    const next = tokens[i + 1];
    if (token.kind === 'word' && SINCE_2012.has(token.upper) && next?.kind === 'op' && next.text === '(') {
      const error = new SqlError(195, `'${token.text}' is not a recognized built-in function name.`, { class: 15, state: 10 });
      throw Object.assign(error, { line: token.line });
    }
  });
}
