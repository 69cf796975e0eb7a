// Day and time arithmetic shared by the date/time encoders and decoders. All values are UTC.

export const MS_PER_DAY = 86_400_000;
/** Days from 0001-01-01 to 1970-01-01 (proleptic Gregorian, as datetime2/date count). */
export const DAYS_0001_TO_1970 = 719_162;
/** Days from 1900-01-01 to 1970-01-01 (datetime's epoch). */
export const DAYS_1900_TO_1970 = 25_567;

export function splitDate(date: Date): { days1970: number; msOfDay: number } {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  const days1970 = Math.floor(ms / MS_PER_DAY);
  return { days1970, msOfDay: ms - days1970 * MS_PER_DAY };
}

export function joinDate(days1970: number, msOfDay: number): Date {
  return new Date(days1970 * MS_PER_DAY + msOfDay);
}
