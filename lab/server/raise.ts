// RAISERROR and THROW as documented ("RAISERROR (Transact-SQL)", "THROW (Transact-SQL)"):
// RAISERROR with a text is error 50000 at the severity and state given (0–10 an informational
// message, 11–18 an error; 19–25 only WITH LOG; a negative state is 1, above 255 Msg 2750), the
// text formatted printf-style (%s %d %i %u), WITH LOG also written to the error log, WITH SETERROR
// setting @@ERROR even for informational messages; a message number other than a text needs
// sp_addmessage, which the lab has not: Msg 18054. THROW raises at severity 16, its number must be
// 50000 or more (35100), it ends the batch, and without arguments it is only valid in a CATCH
// block (10704), where it raises the caught error again (lab/server/try-catch.ts).

import { SqlError } from '../errors.js';
import type { RaiserrorStatement, ThrowStatement } from '../sql/ast.js';
import type { Typed } from '../sql/catalog.js';
import { toText } from '../sql/convert.js';
import { evaluateExpression } from '../sql/evaluate.js';
import { writeErrorLog } from '../mirroring/errorlog.js';
import type { BatchContext } from './batch.js';
import { errorToRethrow } from './try-catch.js';
import { catalogFor } from './catalog-context.js';
import { RaisedError } from './raised-errors.js';

const MAX_TEXT = 2047;

function format(template: string, args: Typed[]): string {
  let next = 0;
  return template.replace(/%[-+ 0#]*\d*(?:\.\d+)?(?:h|l|I64)?([sdiuoxX%])/g, (whole, conversion: string) => {
    if (conversion === '%') return '%';
    const arg = args[next++];
    if (!arg || arg.value === null) return '(null)';
    return conversion === 's' ? toText(arg) : String(Math.trunc(Number(arg.value)));
  });
}

export function executeRaiserror(ctx: BatchContext, statement: RaiserrorStatement): void {
  const catalog = catalogFor(ctx);
  const message = evaluateExpression(statement.message, catalog);
  const severity = Number(evaluateExpression(statement.severity, catalog).value ?? 0);
  let state = Number(evaluateExpression(statement.state, catalog).value ?? 1);
  const args = statement.args.map((arg) => evaluateExpression(arg, catalog));
  if (typeof message.value === 'number') {
    throw new SqlError(
      18054,
      `Error ${message.value}, severity ${severity}, state ${state} was raised, but no message with that error number was found in sys.messages. If error is larger than 50000, make sure the user-defined message is added using sp_addmessage.`,
    );
  }
  if (severity > 18 && !statement.options.includes('LOG')) {
    throw new SqlError(2754, 'Error severity levels greater than 18 can only be specified by members of the sysadmin role, using the WITH LOG option.');
  }
  if (state > 255) throw new SqlError(2750, `Column or parameter #3: Specified value ${state} is out of range for the state (0 - 255).`);
  if (state < 0) state = 1;
  const text = format(toText(message), args).slice(0, MAX_TEXT);
  const level = Math.min(Math.max(severity, 0), 25);
  if (statement.options.includes('LOG')) {
    writeErrorLog(ctx.instance, ctx.runtime.now(), `Error: 50000, Severity: ${level}, State: ${state}.`);
    writeErrorLog(ctx.instance, ctx.runtime.now(), text);
    ctx.runtime.changed();
  }
  if (level >= 11) throw new RaisedError(50000, text, { class: level, state, honoursXactAbort: false });
  ctx.emit({ kind: 'message', message: { number: 50000, state, class: level, message: text, line: statement.line } });
  ctx.last.error = statement.options.includes('SETERROR') ? 50000 : 0;
  ctx.emit({ kind: 'done', command: 'other' });
}

export function executeThrow(ctx: BatchContext, statement: ThrowStatement): never {
  if (!statement.error) {
    const caught = errorToRethrow(ctx);
    if (!caught) throw new SqlError(10704, 'To rethrow an error, a THROW statement must be used inside a CATCH clause.', { class: 15 });
    // THROW; raises the caught error again as it was: number, severity, state and text.
    throw new RaisedError(caught.number, caught.message, {
      class: caught.class,
      state: caught.state,
      honoursXactAbort: true,
      endsBatch: true,
      followUps: caught.followUps,
    });
  }
  const catalog = catalogFor(ctx);
  const number = Number(evaluateExpression(statement.error.number, catalog).value);
  if (!(number >= 50000 && number <= 2147483647)) {
    throw new SqlError(
      35100,
      `Error number ${number} in the THROW statement is outside the valid range. Specify an error number in the valid range of 50000 to 2147483647.`,
    );
  }
  const state = Number(evaluateExpression(statement.error.state, catalog).value);
  const text = toText(evaluateExpression(statement.error.message, catalog));
  throw new RaisedError(number, text, { class: 16, state: Math.min(Math.max(state, 0), 255), honoursXactAbort: true, endsBatch: true });
}
