// Character string → datetime the way SQL Server converts it: 'YYYYMMDD' and ISO 8601 with a T
// are read the same under every setting; numeric dates ('01/02/2025', '2025-01-02 10:00') follow
// the session's date order — SET DATEFORMAT, else the one SET LANGUAGE or the login's default
// language implies (learn.microsoft.com: "SET DATEFORMAT", "SET LANGUAGE", "datetime": the
// unseparated and ISO 8601 formats are not affected). A numeric date with the year first keeps
// day and month in the order's relative order (ydm under dmy), as datetime does. 'Mon D YYYY'.
// The result is taken as UTC, which is how CREATE CERTIFICATE reads its dates.

import { AsyncLocalStorage } from 'node:async_hooks';
import { SqlError } from '../errors.js';

export type DateOrder = 'mdy' | 'dmy' | 'ymd' | 'ydm' | 'myd' | 'dym';
export const DATE_ORDERS: readonly DateOrder[] = ['mdy', 'dmy', 'ymd', 'ydm', 'myd', 'dym'];

/** The languages the lab knows (sys.syslanguages name and alias) and the date order each implies. */
export const LANGUAGES: readonly { name: string; alias: string; dateformat: DateOrder }[] = [
  { name: 'us_english', alias: 'English', dateformat: 'mdy' },
  { name: 'british', alias: 'British English', dateformat: 'dmy' },
  { name: 'Deutsch', alias: 'German', dateformat: 'dmy' },
  { name: 'Français', alias: 'French', dateformat: 'dmy' },
  { name: 'Español', alias: 'Spanish', dateformat: 'dmy' },
  { name: 'Italiano', alias: 'Italian', dateformat: 'dmy' },
  { name: 'Nederlands', alias: 'Dutch', dateformat: 'dmy' },
  { name: 'Português', alias: 'Portuguese', dateformat: 'dmy' },
  { name: '日本語', alias: 'Japanese', dateformat: 'ymd' },
];

export function findLanguage(name: string): (typeof LANGUAGES)[number] | undefined {
  const wanted = name.toLowerCase();
  return LANGUAGES.find((l) => l.name.toLowerCase() === wanted || l.alias.toLowerCase() === wanted);
}

/** The date order of the statement running now (set around each statement by the batch runner). */
export const dateOrderScope = new AsyncLocalStorage<{ order(): DateOrder }>();
const currentOrder = (): DateOrder => dateOrderScope.getStore()?.order() ?? 'mdy';
const dayBeforeMonth = (order: DateOrder): boolean => order.indexOf('d') < order.indexOf('m');

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function conversionFailed(): SqlError {
  return new SqlError(241, 'Conversion failed when converting date and/or time from character string.');
}

function build(year: number, month: number, day: number, time = ''): Date {
  const t = /^(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*(AM|PM)?)?$/i.exec(time);
  if (!t) throw conversionFailed();
  let hours = Number(t[1] ?? 0);
  const meridiem = t[5]?.toUpperCase();
  if (meridiem === 'PM' && hours < 12) hours += 12;
  if (meridiem === 'AM' && hours === 12) hours = 0;
  const minutes = Number(t[2] ?? 0);
  const seconds = Number(t[3] ?? 0);
  const millis = Math.round(Number(`0.${t[4] ?? '0'}`) * 1000);
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, millis));
  const valid = year >= 1753 && year <= 9999 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hours < 24 && minutes < 60 && seconds < 60;
  if (!valid) throw new SqlError(242, 'The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.');
  return date;
}

export function parseSqlDateTime(text: string, order: DateOrder = currentOrder()): Date {
  const value = text.trim();
  let m = /^(\d{4})(\d{2})(\d{2})(.*)$/.exec(value);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4]);
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})(T.*)$/.exec(value);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4]?.replace(/Z$/i, ''));
  m = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(.*)$/.exec(value);
  if (m) {
    const [a, b] = [Number(m[2]), Number(m[3])];
    return dayBeforeMonth(order) ? build(Number(m[1]), b, a, m[4]) : build(Number(m[1]), a, b, m[4]);
  }
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(.*)$/.exec(value);
  if (m) {
    const year = Number(m[3]);
    const fullYear = m[3]!.length === 2 ? (year < 50 ? 2000 + year : 1900 + year) : year;
    const [a, b] = [Number(m[1]), Number(m[2])];
    return dayBeforeMonth(order) ? build(fullYear, b, a, m[4]) : build(fullYear, a, b, m[4]);
  }
  m = /^([A-Za-z]{3})[a-z]*\s+(\d{1,2}),?\s+(\d{4})(.*)$/.exec(value);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month >= 0) return build(Number(m[3]), month + 1, Number(m[2]), m[4]);
  }
  throw conversionFailed();
}
