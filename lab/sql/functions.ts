// Built-in scalar functions that do not depend on the instance: strings, NULL handling, dates,
// numbers. Instance-specific ones (CERT_ID, DB_ID, SERVERPROPERTY …) come from the SqlCatalog.

import { randomUUID } from 'node:crypto';
import { SqlError } from '../errors.js';
import type { SqlType } from '../tds/handler.js';
import type { SqlCatalog, Typed } from './catalog.js';
import { compare } from './compare.js';
import { convert, toText } from './convert.js';
import { BIGINT, DATETIME, FLOAT, INT, isCharacter, isUnicode, lengthOf, nvarchar, varchar, widen } from './types.js';

type Builtin = (args: Typed[], catalog: SqlCatalog, name: string) => Typed;

const typed = (value: Typed['value'], type: SqlType): Typed => ({ value, type });

function arity(name: string, args: Typed[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    throw new SqlError(174, `The ${name.toLowerCase()} function requires ${min === max ? min : `${min} to ${max}`} argument(s).`, { class: 15 });
  }
}

/** The argument as text and the string type the result keeps (non-strings become varchar). */
function text(arg: Typed): { value: string | null; type: SqlType } {
  if (arg.value === null) return { value: null, type: isCharacter(arg.type) ? arg.type : varchar(30) };
  const value = toText(arg);
  return { value, type: isCharacter(arg.type) ? arg.type : isUnicode(arg.type) ? nvarchar(value.length) : varchar(Math.max(value.length, 30)) };
}

function integer(arg: Typed): number | null {
  return arg.value === null ? null : (convert(arg, INT) as number);
}

function stringFunction(fn: (s: string, args: Typed[]) => string | null, count: number, max = count): Builtin {
  return (args, _catalog, name) => {
    arity(name, args, count, max);
    const s = text(args[0]!);
    if (s.value === null || args.slice(1).some((a) => a.value === null)) return typed(null, s.type);
    return typed(fn(s.value, args), s.type);
  };
}

const DATEPARTS: Record<string, string> = {
  year: 'year',
  yy: 'year',
  yyyy: 'year',
  quarter: 'quarter',
  qq: 'quarter',
  q: 'quarter',
  month: 'month',
  mm: 'month',
  m: 'month',
  dayofyear: 'dayofyear',
  dy: 'dayofyear',
  y: 'dayofyear',
  day: 'day',
  dd: 'day',
  d: 'day',
  week: 'week',
  wk: 'week',
  ww: 'week',
  weekday: 'weekday',
  dw: 'weekday',
  hour: 'hour',
  hh: 'hour',
  minute: 'minute',
  mi: 'minute',
  n: 'minute',
  second: 'second',
  ss: 'second',
  s: 'second',
  millisecond: 'millisecond',
  ms: 'millisecond',
};

function datepart(arg: Typed | undefined, name: string): string {
  const word = typeof arg?.value === 'string' ? arg.value.toLowerCase() : '';
  const part = DATEPARTS[word];
  if (!part) throw new SqlError(155, `'${word}' is not a recognized ${name.toLowerCase()} option.`, { class: 15 });
  return part;
}

function date(arg: Typed): Date | null {
  return arg.value === null ? null : (convert(arg, DATETIME) as Date);
}

const MS: Record<string, number> = {
  week: 604_800_000,
  day: 86_400_000,
  dayofyear: 86_400_000,
  weekday: 86_400_000,
  hour: 3_600_000,
  minute: 60_000,
  second: 1000,
  millisecond: 1,
};

function dateAdd(part: string, n: number, d: Date): Date {
  const r = new Date(d.getTime());
  if (part === 'year') r.setUTCFullYear(r.getUTCFullYear() + n);
  else if (part === 'quarter') r.setUTCMonth(r.getUTCMonth() + 3 * n);
  else if (part === 'month') r.setUTCMonth(r.getUTCMonth() + n);
  else return new Date(d.getTime() + n * MS[part]!);
  // Adding months to the 31st lands on the last day of the target month, not in the next one.
  if (part !== 'year' && r.getUTCDate() !== d.getUTCDate()) r.setUTCDate(0);
  return r;
}

/** DATEDIFF counts boundaries crossed, not elapsed units. */
function dateDiff(part: string, a: Date, b: Date): number {
  const months = (d: Date) => d.getUTCFullYear() * 12 + d.getUTCMonth();
  switch (part) {
    case 'year':
      return b.getUTCFullYear() - a.getUTCFullYear();
    case 'quarter':
      return Math.floor(months(b) / 3) - Math.floor(months(a) / 3);
    case 'month':
      return months(b) - months(a);
    case 'week': {
      const sunday = (d: Date) => Math.floor((Math.floor(d.getTime() / 86_400_000) + 4) / 7);
      return sunday(b) - sunday(a);
    }
    default: {
      const unit = MS[part]!;
      return Math.floor(b.getTime() / unit) - Math.floor(a.getTime() / unit);
    }
  }
}

function datePartOf(part: string, d: Date): number {
  switch (part) {
    case 'year':
      return d.getUTCFullYear();
    case 'quarter':
      return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'month':
      return d.getUTCMonth() + 1;
    case 'dayofyear':
      return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;
    case 'day':
      return d.getUTCDate();
    case 'week':
      return dateDiff('week', new Date(Date.UTC(d.getUTCFullYear(), 0, 1)), d) + 1;
    case 'weekday':
      return d.getUTCDay() + 1;
    case 'hour':
      return d.getUTCHours();
    case 'minute':
      return d.getUTCMinutes();
    case 'second':
      return d.getUTCSeconds();
    default:
      return d.getUTCMilliseconds();
  }
}

const now =
  (type: SqlType): Builtin =>
  (args, catalog, name) => {
    arity(name, args, 0);
    return typed(catalog.now(), type);
  };

const BUILTINS: Record<string, Builtin> = {
  ISNULL: (args, _c, name) => {
    arity(name, args, 2);
    const [a, b] = args as [Typed, Typed];
    return typed(a.value !== null ? a.value : convert(b, a.type), a.type);
  },
  COALESCE: (args, _c, name) => {
    if (args.length < 2) throw new SqlError(189, `The ${name.toLowerCase()} function requires 2 to 254 arguments.`, { class: 15 });
    // A bare NULL argument has no type of its own and does not take part in the result type.
    const typedArgs = args.filter((a) => !(a as { untyped?: boolean }).untyped);
    const type = typedArgs.length === 0 ? INT : typedArgs.map((a) => a.type).reduce(widen);
    const first = args.find((a) => a.value !== null);
    return typed(first ? convert(first, type) : null, type);
  },
  NULLIF: (args, _c, name) => {
    arity(name, args, 2);
    const [a, b] = args as [Typed, Typed];
    return typed(compare(a, b) === 0 ? null : a.value, a.type);
  },
  UPPER: stringFunction((s) => s.toUpperCase(), 1),
  LOWER: stringFunction((s) => s.toLowerCase(), 1),
  LTRIM: stringFunction((s) => s.replace(/^ +/, ''), 1),
  RTRIM: stringFunction((s) => s.replace(/ +$/, ''), 1),
  TRIM: stringFunction((s) => s.replace(/^ +| +$/g, ''), 1),
  REPLACE: (args, _c, name) => {
    arity(name, args, 3);
    const [s, find, by] = args.map(text) as [ReturnType<typeof text>, ReturnType<typeof text>, ReturnType<typeof text>];
    const type = isUnicode(s.type) || isUnicode(find.type) || isUnicode(by.type) ? nvarchar(8000) : varchar(8000);
    if (s.value === null || find.value === null || by.value === null) return typed(null, type);
    if (find.value === '') return typed(s.value, type);
    const pattern = new RegExp(find.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi');
    return typed(
      s.value.replace(pattern, () => by.value!),
      type,
    );
  },
  SUBSTRING: stringFunction((s, args) => {
    const start = integer(args[1]!)!;
    const length = integer(args[2]!)!;
    if (length < 0) throw new SqlError(537, 'Invalid length parameter passed to the LEFT or SUBSTRING function.');
    const from = Math.max(start, 1);
    const to = start + length;
    return to <= from ? '' : s.slice(from - 1, to - 1);
  }, 3),
  LEFT: stringFunction((s, args) => {
    const n = integer(args[1]!)!;
    if (n < 0) throw new SqlError(537, 'Invalid length parameter passed to the LEFT or SUBSTRING function.');
    return s.slice(0, n);
  }, 2),
  RIGHT: stringFunction((s, args) => {
    const n = integer(args[1]!)!;
    if (n < 0) throw new SqlError(536, 'Invalid length parameter passed to the RIGHT function.');
    return n === 0 ? '' : s.slice(-n);
  }, 2),
  LEN: (args, _c, name) => {
    arity(name, args, 1);
    const s = text(args[0]!);
    return typed(s.value === null ? null : s.value.replace(/ +$/, '').length, lengthOf(s.type) === -1 ? BIGINT : INT);
  },
  DATALENGTH: (args, _c, name) => {
    arity(name, args, 1);
    const a = args[0]!;
    if (a.value === null) return typed(null, INT);
    if (Buffer.isBuffer(a.value)) return typed(a.value.length, INT);
    if (typeof a.value === 'string' && isCharacter(a.type)) return typed(a.value.length * (isUnicode(a.type) ? 2 : 1), INT);
    return typed({ bigint: 8, int: 4, smallint: 2, tinyint: 1, bit: 1, float: 8, real: 4, datetime: 8, uniqueidentifier: 16 }[a.type.type as 'int'] ?? 8, INT);
  },
  CHARINDEX: (args, _c, name) => {
    arity(name, args, 2, 3);
    const find = text(args[0]!).value;
    const s = text(args[1]!).value;
    const start = args[2] ? integer(args[2]) : 1;
    if (find === null || s === null || start === null) return typed(null, INT);
    return typed(s.toUpperCase().indexOf(find.toUpperCase(), Math.max(start, 1) - 1) + 1, INT);
  },
  CONCAT: (args, _c, name) => {
    if (args.length < 2) throw new SqlError(189, `The ${name.toLowerCase()} function requires 2 to 254 arguments.`, { class: 15 });
    const value = args.map((a) => (a.value === null ? '' : toText(a))).join('');
    return typed(value, args.some((a) => isUnicode(a.type)) ? nvarchar(value.length) : varchar(value.length));
  },
  REPLICATE: (args, _c, name) => {
    arity(name, args, 2);
    const s = text(args[0]!);
    const n = integer(args[1]!);
    return typed(s.value === null || n === null || n < 0 ? null : s.value.repeat(n), s.type);
  },
  ABS: (args, _c, name) => {
    arity(name, args, 1);
    const a = args[0]!;
    return typed(a.value === null ? null : Math.abs(Number(convert(a, FLOAT))), a.type);
  },
  ROUND: (args, _c, name) => {
    arity(name, args, 2, 3);
    const a = args[0]!;
    const digits = integer(args[1]!);
    if (a.value === null || digits === null) return typed(null, a.type);
    const f = 10 ** digits;
    const n = Number(convert(a, FLOAT));
    return typed(args[2] && integer(args[2]) ? Math.trunc(n * f) / f : (Math.sign(n) * Math.round(Math.abs(n) * f)) / f, a.type);
  },
  FLOOR: (args, _c, name) => {
    arity(name, args, 1);
    const a = args[0]!;
    return typed(a.value === null ? null : Math.floor(Number(convert(a, FLOAT))), a.type);
  },
  CEILING: (args, _c, name) => {
    arity(name, args, 1);
    const a = args[0]!;
    return typed(a.value === null ? null : Math.ceil(Number(convert(a, FLOAT))), a.type);
  },
  GETDATE: now(DATETIME),
  GETUTCDATE: now(DATETIME),
  CURRENT_TIMESTAMP: now(DATETIME),
  SYSDATETIME: now({ type: 'datetime2', scale: 7 }),
  SYSUTCDATETIME: now({ type: 'datetime2', scale: 7 }),
  SYSDATETIMEOFFSET: now({ type: 'datetimeoffset', scale: 7 }),
  DATEADD: (args, _c, name) => {
    arity(name, args, 3);
    const part = datepart(args[0], name);
    const n = integer(args[1]!);
    const d = date(args[2]!);
    const type = isCharacter(args[2]!.type) ? DATETIME : args[2]!.type;
    if (n === null || d === null) return typed(null, type);
    const result = dateAdd(part, n, d);
    if (result.getUTCFullYear() < 1753 || result.getUTCFullYear() > 9999) throw new SqlError(517, "Adding a value to a 'datetime' column caused an overflow.");
    return typed(result, type);
  },
  DATEDIFF: (args, _c, name) => {
    arity(name, args, 3);
    const part = datepart(args[0], name);
    const a = date(args[1]!);
    const b = date(args[2]!);
    return typed(a === null || b === null ? null : dateDiff(part, a, b), INT);
  },
  DATEPART: (args, _c, name) => {
    arity(name, args, 2);
    const d = date(args[1]!);
    return typed(d === null ? null : datePartOf(datepart(args[0], name), d), INT);
  },
  YEAR: (args, _c, name) => {
    arity(name, args, 1);
    const d = date(args[0]!);
    return typed(d === null ? null : d.getUTCFullYear(), INT);
  },
  MONTH: (args, _c, name) => {
    arity(name, args, 1);
    const d = date(args[0]!);
    return typed(d === null ? null : d.getUTCMonth() + 1, INT);
  },
  DAY: (args, _c, name) => {
    arity(name, args, 1);
    const d = date(args[0]!);
    return typed(d === null ? null : d.getUTCDate(), INT);
  },
  NEWID: (args, _c, name) => {
    arity(name, args, 0);
    return typed(randomUUID().toUpperCase(), { type: 'uniqueidentifier' });
  },
};

export function builtin(name: string): Builtin | undefined {
  return BUILTINS[name];
}

export const AGGREGATES = new Set(['COUNT', 'COUNT_BIG', 'SUM', 'MIN', 'MAX', 'AVG']);
