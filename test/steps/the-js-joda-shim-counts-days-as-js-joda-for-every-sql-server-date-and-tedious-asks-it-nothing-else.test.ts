// The bundles replace @js-joda/core by scripts/shims/js-joda-core.cjs (scripts/bundle-options.mjs):
// tedious counts a date parameter's days with it. Held here to the real js-joda (still installed, as
// tedious's dependency) for every SQL Server date's year, and to what tedious asks of it: a tedious
// that asks for more, or another package that needs js-joda, fails here before a bundle misbehaves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChronoUnit, LocalDate } from '@js-joda/core';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JS_JODA_SHIM } from '../../scripts/bundle-options.mjs';

interface ShimDate {
  until(end: ShimDate, unit: unknown): number;
}
interface Shim {
  LocalDate: { of(year: number, month: number, day: number): ShimDate; ofYearDay(year: number, dayOfYear: number): ShimDate };
  ChronoUnit: { DAYS: unknown };
  [name: string]: unknown;
}
const shim = createRequire(import.meta.url)(JS_JODA_SHIM) as Shim;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const TEDIOUS_TYPES = join(ROOT, 'node_modules', 'tedious', 'lib', 'data-types');
const tediousUsers = readdirSync(TEDIOUS_TYPES)
  .filter((name) => name.endsWith('.js'))
  .map((name) => ({ name, text: readFileSync(join(TEDIOUS_TYPES, name), 'utf8').replace(/\/\/# sourceMappingURL=.*/g, '') }))
  .filter(({ text }) => text.includes('@js-joda/core'));
/** The epochs tedious counts from, as it writes them: `LocalDate.ofYearDay(1, 1)` … */
const EPOCHS = [
  ...new Set(tediousUsers.flatMap(({ text }) => [...text.matchAll(/_core\.LocalDate\.ofYearDay\((\d+), (\d+)\)/g)].map((m) => `${m[1]},${m[2]}`))),
].map((pair) => pair.split(',').map(Number) as [number, number]);

test('tedious asks js-joda for LocalDate.of, LocalDate.ofYearDay and until(…, ChronoUnit.DAYS) only, in four data types', () => {
  assert.equal(tediousUsers.map(({ name }) => name).sort(), ['date.js', 'datetime.js', 'datetime2.js', 'datetimeoffset.js']);
  const asked = new Set(tediousUsers.flatMap(({ text }) => [...text.matchAll(/_core\.[\w.]+/g)].map((m) => m[0])));
  assert.equal([...asked].sort(), ['_core.ChronoUnit.DAYS', '_core.LocalDate.of', '_core.LocalDate.ofYearDay']);
  for (const { name, text } of tediousUsers) {
    const onDates = [...text.matchAll(/\b(EPOCH_DATE|date)\.(\w+)\(/g)].map((m) => `${m[2]}(${text.slice(m.index + m[0].length).split(')')[0]})`);
    assert.equal([...new Set(onDates)], ['until(date, _core.ChronoUnit.DAYS)'], `${name}: a LocalDate is only asked until(…, DAYS)`);
  }
  assert.equal(EPOCHS, [
    [1, 1],
    [1900, 1],
  ]);
});

test('no package but tedious depends on @js-joda/core (package-lock.json)', () => {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dependencies?: Record<string, string> }> };
  const dependents = Object.entries(lock.packages)
    .filter(([, entry]) => entry.dependencies?.['@js-joda/core'])
    .map(([path]) => path);
  assert.equal(dependents, ['node_modules/tedious']);
});

const isLeap = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** Days from each epoch to year-month-day, by the shim and by js-joda. */
function daysBoth(year: number, month: number, day: number): [number[], number[]] {
  const ours = shim.LocalDate.of(year, month, day);
  const theirs = LocalDate.of(year, month, day);
  return [
    EPOCHS.map(([y, d]) => shim.LocalDate.ofYearDay(y, d).until(ours, shim.ChronoUnit.DAYS)),
    EPOCHS.map(([y, d]) => LocalDate.ofYearDay(y, d).until(theirs, ChronoUnit.DAYS)),
  ];
}

test('until(…, DAYS) from each epoch: Jan 1, Feb 28, Feb 29 of leap years, Mar 1 and Dec 31 of every year 1–9999', () => {
  for (let year = 1; year <= 9999; year++) {
    for (const [month, day] of [[1, 1], [2, 28], ...(isLeap(year) ? [[2, 29]] : []), [3, 1], [12, 31]] as const) {
      const [ours, theirs] = daysBoth(year, month, day);
      if (ours.some((days, i) => days !== theirs[i])) assert.equal(ours, theirs, `${year}-${month}-${day}`);
    }
  }
});

test('until(…, DAYS) from each epoch: 5,000 random dates from 0001-01-01 to 9999-12-31', () => {
  // A fixed-seed generator (mulberry32): the same dates every run.
  let seed = 0x6a6f6461;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const first = LocalDate.of(1, 1, 1).toEpochDay();
  const last = LocalDate.of(9999, 12, 31).toEpochDay();
  for (let i = 0; i < 5000; i++) {
    const date = LocalDate.ofEpochDay(first + Math.floor(random() * (last - first + 1)));
    const [ours, theirs] = daysBoth(date.year(), date.monthValue(), date.dayOfMonth());
    assert.equal(ours, theirs, date.toString());
  }
});

test('ofYearDay: the first, 59th, 60th and last day of every year 1–9999 is js-joda’s day', () => {
  const [ourEpoch, theirEpoch] = [shim.LocalDate.ofYearDay(1, 1), LocalDate.ofYearDay(1, 1)];
  for (let year = 1; year <= 9999; year++) {
    for (const dayOfYear of [1, 59, 60, isLeap(year) ? 366 : 365]) {
      const ours = ourEpoch.until(shim.LocalDate.ofYearDay(year, dayOfYear), shim.ChronoUnit.DAYS);
      const theirs = theirEpoch.until(LocalDate.ofYearDay(year, dayOfYear), ChronoUnit.DAYS);
      if (ours !== theirs) assert.is(ours, theirs, `${year}, day ${dayOfYear}`);
    }
  }
});

test('what js-joda refuses, the shim refuses; what it does not implement throws and says so', () => {
  for (const [year, month, day] of [
    [2023, 2, 29],
    [1900, 2, 29],
    [2024, 4, 31],
    [2024, 13, 1],
    [2024, 0, 1],
    [2024, 1, 0],
  ] as const) {
    assert.throws(() => LocalDate.of(year, month, day), `js-joda refuses ${year}-${month}-${day}`);
    assert.throws(() => shim.LocalDate.of(year, month, day), /LocalDate: (year|month|day)/);
  }
  assert.throws(() => LocalDate.ofYearDay(2023, 366));
  assert.throws(() => shim.LocalDate.ofYearDay(2023, 366), /day of year 2023 366 is not a whole number from 1 to 365/);
  assert.throws(() => shim.LocalDate.of(2024, 1, 1.5), /day of 2024-1 1.5 is not a whole number/);
  assert.throws(() => shim.LocalDate.of(Number.NaN, 1, 1), /year NaN/);
  const epoch = shim.LocalDate.ofYearDay(1, 1);
  assert.throws(() => epoch.until(shim.LocalDate.of(2024, 1, 1), (shim.ChronoUnit as Record<string, unknown>).MONTHS), /only ChronoUnit\.DAYS/);
  assert.throws(() => epoch.until(LocalDate.of(2024, 1, 1) as unknown as ShimDate, shim.ChronoUnit.DAYS), /the end must be a LocalDate of this shim/);
  assert.throws(() => shim.ZoneOffset, /@js-joda\/core\.ZoneOffset is not in mirrorbook's shim/);
});

test.run();
