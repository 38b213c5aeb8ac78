/** Authelia's duration notation (configuration/prologue/common) → integer seconds. */
import t from 'tap';
import { parseDuration } from '../../src/config/duration.js';

t.test('every accepted form', async (t) => {
  const cases: [string | number, number][] = [
    [0, 0],
    [90, 90],
    ['90', 90],
    ['45s', 45],
    ['5m', 300],
    ['2h', 7200],
    ['1d', 86_400],
    ['1w', 604_800],
    ['1M', 2_592_000], // month = 30 days
    ['1y', 31_536_000], // year = 365 days
    ['1h30m', 5400],
    ['1d2h3m4s', 93_784],
    ['1 hour', 3600],
    ['2 days', 172_800],
    ['90 minutes', 5400],
    ['1 week 2 days', 777_600],
    [' 10s ', 10],
  ];
  for (const [input, seconds] of cases) t.equal(parseDuration(input), seconds, `${JSON.stringify(input)} → ${seconds}`);
});

t.test('m is a minute and M a month: single letters are case-sensitive', async (t) => {
  t.equal(parseDuration('1m'), 60);
  t.equal(parseDuration('1M'), 2_592_000);
  t.equal(parseDuration('1 MINUTE'), 60);
});

t.test('garbage and negatives are errors with a sentence', async (t) => {
  const cases: [string | number, string][] = [
    [-1, 'must be a whole, non-negative number of seconds but is -1'],
    [1.5, 'must be a whole, non-negative number of seconds but is 1.5'],
    ['-5m', "must be a duration such as '90', '1h30m' or '2 days' but is '-5m'"],
    ['', "must be a duration such as '90', '1h30m' or '2 days' but is ''"],
    ['soon', "must be a duration such as '90', '1h30m' or '2 days' but is 'soon'"],
    ['5 fortnights', "has the unknown unit 'fortnights' in '5 fortnights': use s, m, h, d, w, M or y"],
    ['1h 30', "must be a duration such as '90', '1h30m' or '2 days' but is '1h 30'"],
    ['1.5h', "must be a duration such as '90', '1h30m' or '2 days' but is '1.5h'"],
  ];
  for (const [input, message] of cases) t.throws(() => parseDuration(input), { message }, JSON.stringify(input));
});
