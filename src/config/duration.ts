/**
 * Authelia's duration notation (configuration/prologue/common "Duration Notation Format") turned
 * into whole seconds: a plain number or numeric string is seconds; otherwise one or more
 * `<amount><unit>` parts such as `1h30m`, `90 minutes` or `2 days 4h`.
 */
const SECONDS_PER_UNIT: Record<string, number> = {
  s: 1, sec: 1, secs: 1, second: 1, seconds: 1,
  m: 60, min: 60, mins: 60, minute: 60, minutes: 60,
  h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600,
  d: 86_400, day: 86_400, days: 86_400,
  w: 604_800, week: 604_800, weeks: 604_800,
  // Authelia: a month is 30 days and a year 365 days; `M` is month, `m` minute.
  M: 2_592_000, month: 2_592_000, months: 2_592_000,
  y: 31_536_000, year: 31_536_000, years: 31_536_000,
};

const PART = /(\d+)\s*([A-Za-z]+)\s*/y;

/** Parses a duration into integer seconds; throws an Error whose message is a sentence on bad input. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isInteger(input) || input < 0) {
      throw new Error(`must be a whole, non-negative number of seconds but is ${input}`);
    }
    return input;
  }
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (text === '' || !/^\d/.test(text)) throw new Error(durationSentence(input));
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < text.length) {
    const start = PART.lastIndex;
    const match = PART.exec(text);
    if (!match) throw new Error(durationSentence(input));
    const unit = unitSeconds(match[2]);
    if (unit === undefined) {
      throw new Error(`has the unknown unit '${match[2]}' in '${input}': use s, m, h, d, w, M or y`);
    }
    total += Number(match[1]) * unit;
    if (PART.lastIndex === start) throw new Error(durationSentence(input));
  }
  if (!Number.isSafeInteger(total)) throw new Error(`is too long: '${input}'`);
  return total;
}

function unitSeconds(unit: string): number | undefined {
  // Single letters are case-sensitive (m is a minute, M a month); words are not.
  if (unit.length === 1) return SECONDS_PER_UNIT[unit];
  return SECONDS_PER_UNIT[unit.toLowerCase()];
}

function durationSentence(input: string): string {
  return `must be a duration such as '90', '1h30m' or '2 days' but is '${input}'`;
}
