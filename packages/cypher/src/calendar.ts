/** Proleptic Gregorian calendar arithmetic (no Date object: years far outside JS Date range occur). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { year: number; month: number; day: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { year: y + (m <= 2 ? 1 : 0), month: m, day: d };
}

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

/** ISO day of week, 1 = Monday … 7 = Sunday. */
export function dayOfWeek(epochDay: number): number {
  return ((((epochDay + 3) % 7) + 7) % 7) + 1;
}

/** Epoch day of Monday of ISO week 1 of the week-based year y. */
export function isoWeek1Monday(y: number): number {
  const jan4 = daysFromCivil(y, 1, 4);
  return jan4 - (dayOfWeek(jan4) - 1);
}

export function isoWeekOf(epochDay: number): { weekYear: number; week: number } {
  const { year } = civilFromDays(epochDay);
  let wy = year + 1;
  if (epochDay < isoWeek1Monday(wy)) wy = year;
  if (epochDay < isoWeek1Monday(wy)) wy = year - 1;
  return { weekYear: wy, week: Math.floor((epochDay - isoWeek1Monday(wy)) / 7) + 1 };
}

export function weeksInWeekYear(y: number): number {
  return (isoWeek1Monday(y + 1) - isoWeek1Monday(y)) / 7;
}
