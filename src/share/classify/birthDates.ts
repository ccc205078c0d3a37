/**
 * Whether a column of dates, named nothing in particular, looks like dates of birth: a population's
 * births spread over generations (a span of 30 years or more) and lie mostly well in the past (the
 * median at least 25 years back), while registration, issue and event dates crowd into recent
 * years. Children's births (a narrow recent span) are not caught this way; their columns say 出生.
 */
export function looksLikeBirthDates(isoDates: string[], now = new Date()): boolean {
  if (isoDates.length < 5) return false;
  const today = now.toISOString().slice(0, 10);
  if (isoDates.some((d) => d > today)) return false;
  const years = isoDates.map((d) => Number(d.slice(0, 4))).sort((a, b) => a - b);
  const span = years[years.length - 1]! - years[0]!;
  const median = years[Math.floor(years.length / 2)]!;
  return span >= 30 && median <= now.getUTCFullYear() - 25;
}
