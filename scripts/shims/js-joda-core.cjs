// @js-joda/core as the bundles see it (scripts/bundle-options.mjs): tedious needs it only to count
// the days from an epoch to a date parameter's date (lib/data-types/date, datetime, datetime2,
// datetimeoffset: LocalDate.ofYearDay, LocalDate.of, until(…, ChronoUnit.DAYS)), and the whole
// library is 0.3 MB of mssql's bundle, ~20 ms of CPU parsed and run by every process that connects.
// The days are counted exactly as js-joda counts them (proleptic Gregorian calendar, Howard Hinnant's
// days_from_civil in integers: no Date.UTC, which maps years 0–99 to 1900–1999), over js-joda's year
// range; test/steps/the-js-joda-shim-counts-days-as-js-joda-… holds it to the real one.
// Whatever else is asked of it throws, naming what is missing.
'use strict';

const MIN_YEAR = -999999;
const MAX_YEAR = 999999;

const isLeap = (year) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
const monthLength = (year, month) => (month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31);

/** Days from 1970-01-01 to year-month-day (Hinnant, "chrono-Compatible Low-Level Date Algorithms"). */
function daysFromCivil(year, month, day) {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

function field(name, value, min, max) {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`LocalDate: ${name} ${value} is not a whole number from ${min} to ${max}`);
  return value;
}

const DAYS = Object.freeze({ toString: () => 'Days' });

class LocalDate {
  #epochDay;

  constructor(epochDay) {
    this.#epochDay = epochDay;
  }

  static of(year, month, day) {
    field('year', year, MIN_YEAR, MAX_YEAR);
    field('month', month, 1, 12);
    field(`day of ${year}-${month}`, day, 1, monthLength(year, month));
    return new LocalDate(daysFromCivil(year, month, day));
  }

  static ofYearDay(year, dayOfYear) {
    field('year', year, MIN_YEAR, MAX_YEAR);
    field(`day of year ${year}`, dayOfYear, 1, isLeap(year) ? 366 : 365);
    return new LocalDate(daysFromCivil(year, 1, 1) + dayOfYear - 1);
  }

  until(end, unit) {
    if (unit !== DAYS) throw new Error(`LocalDate.until: only ChronoUnit.DAYS is counted here (scripts/shims/js-joda-core.cjs), not ${unit}`);
    if (!(end instanceof LocalDate)) throw new TypeError('LocalDate.until: the end must be a LocalDate of this shim');
    return end.#epochDay - this.#epochDay;
  }
}

const implemented = { LocalDate, ChronoUnit: Object.freeze({ DAYS }) };

module.exports = new Proxy(implemented, {
  get(target, name) {
    // Symbols and __esModule are what module interop asks of any CommonJS module.
    if (typeof name !== 'string' || name === '__esModule' || name in target) return target[name];
    throw new Error(`@js-joda/core.${name} is not in mirrorbook's shim (scripts/shims/js-joda-core.cjs): a tedious upgrade uses more of js-joda; add it there`);
  },
});
