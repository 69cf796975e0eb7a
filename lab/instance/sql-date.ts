// Character string → datetime the way SQL Server converts it under us_english (DATEFORMAT mdy):
// 'YYYYMMDD', ISO 8601, 'YYYY-MM-DD hh:mm[:ss[.fff]]', 'MM/DD/YYYY [hh:mm[:ss]]', 'Mon D YYYY'.
// The result is taken as UTC, which is how CREATE CERTIFICATE reads its dates.

import { SqlError } from '../errors.js';

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
  const valid =
    year >= 1753 && year <= 9999 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hours < 24 && minutes < 60 && seconds < 60;
  if (!valid) throw new SqlError(242, 'The conversion of a varchar data type to a datetime data type resulted in an out-of-range value.');
  return date;
}

export function parseSqlDateTime(text: string): Date {
  const value = text.trim();
  let m = /^(\d{4})(\d{2})(\d{2})(.*)$/.exec(value);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4]);
  m = /^(\d{4})-(\d{1,2})-(\d{1,2})(.*)$/.exec(value);
  if (m) return build(Number(m[1]), Number(m[2]), Number(m[3]), m[4]?.replace(/Z$/i, ''));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(.*)$/.exec(value);
  if (m) {
    const year = Number(m[3]);
    return build(m[3]!.length === 2 ? (year < 50 ? 2000 + year : 1900 + year) : year, Number(m[1]), Number(m[2]), m[4]);
  }
  m = /^([A-Za-z]{3})[a-z]*\s+(\d{1,2}),?\s+(\d{4})(.*)$/.exec(value);
  if (m) {
    const month = MONTHS.indexOf(m[1]!.toLowerCase());
    if (month >= 0) return build(Number(m[3]), month + 1, Number(m[2]), m[4]);
  }
  throw conversionFailed();
}
