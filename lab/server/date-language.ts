// The session's language and date order (learn.microsoft.com: "SET LANGUAGE", "SET DATEFORMAT"):
// a session starts in its login's default language (us_english unless DEFAULT_LANGUAGE says
// otherwise); SET LANGUAGE sets the language and, implicitly, its date order; SET DATEFORMAT then
// overrides the order. 2740: an unknown language; 2741: an order other than mdy, dmy, ymd, ydm,
// myd, dym. The order applies while a statement runs (lab/instance/sql-date.ts).
import { SqlError } from '../errors.js';
import { DATE_ORDERS, findLanguage, type DateOrder } from '../instance/sql-date.js';
import { findLogin } from '../instance/principals.js';
import type { BatchContext } from './batch.js';

export function setDateLanguage(ctx: BatchContext, option: 'LANGUAGE' | 'DATEFORMAT', value: string): void {
  if (option === 'DATEFORMAT') {
    const order = value.toLowerCase() as DateOrder;
    if (!DATE_ORDERS.includes(order)) throw new SqlError(2741, `SET DATEFORMAT date order '${value.toLowerCase()}' is invalid.`);
    ctx.settings.options.set('DATEFORMAT', order);
    return;
  }
  const language = findLanguage(value);
  if (!language)
    throw new SqlError(2740, `SET LANGUAGE failed because '${value.toLowerCase()}' is not an official language name or a language alias on this SQL Server.`);
  ctx.settings.options.set('LANGUAGE', language.name);
  ctx.settings.options.delete('DATEFORMAT');
}

/** @@LANGUAGE: SET LANGUAGE, else the login's default language. */
export function sessionLanguage(ctx: BatchContext): string {
  return ctx.settings.options.get('LANGUAGE') ?? findLogin(ctx.instance.logins, ctx.session.login)?.defaultLanguage ?? 'us_english';
}

export function sessionDateOrder(ctx: BatchContext): DateOrder {
  return (ctx.settings.options.get('DATEFORMAT') as DateOrder | undefined) ?? findLanguage(sessionLanguage(ctx))?.dateformat ?? 'mdy';
}
