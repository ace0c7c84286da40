import { describe, expect, it } from 'vitest';
import {
  chunkDays,
  formatPeriod,
  parsePeriod,
  periodBounds,
  rangePeriod,
} from '../../src/api/period.js';
import { addDays, parseDay } from '../../src/calendar.js';
import { UsageError } from '../../src/errors.js';

describe('period', () => {
  it.each([
    ['2018-01-01', '2018-01-01', '2018-01-01'],
    ['2018-W01', '2018-01-01', '2018-01-07'],
    ['2020-W53', '2020-12-28', '2021-01-03'],
    ['2021-W01', '2021-01-04', '2021-01-10'],
    ['2018-01', '2018-01-01', '2018-01-31'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2018', '2018-01-01', '2018-12-31'],
    ['2018-01-01/2018-01-15', '2018-01-01', '2018-01-15'],
  ])('%s covers %s..%s and formats back the same', (input, first, last) => {
    const period = parsePeriod(input);
    expect(period).toBeDefined();
    expect(periodBounds(period!)).toEqual({ first, last });
    expect(formatPeriod(period!)).toBe(input);
  });

  it.each([
    '2018-W00',
    '2018-W53',
    '2018-13',
    '2018-02-30',
    '2018-01-15/2018-01-01',
    '18',
    '2018-1-1',
    '',
  ])('rejects %j', (input) => expect(parsePeriod(input)).toBeUndefined());

  it('builds day and range periods', () => {
    expect(formatPeriod(rangePeriod('2024-01-01', '2024-01-01'))).toBe('2024-01-01');
    expect(formatPeriod(rangePeriod('2024-01-01', '2024-03-01'))).toBe('2024-01-01/2024-03-01');
    expect(() => rangePeriod('2024-03-01', '2024-01-01')).toThrow(RangeError);
  });

  it('chunks a range into consecutive spans that cover it exactly', () => {
    expect(chunkDays('2024-01-01', '2024-01-10', 4)).toEqual([
      { from: '2024-01-01', to: '2024-01-04' },
      { from: '2024-01-05', to: '2024-01-08' },
      { from: '2024-01-09', to: '2024-01-10' },
    ]);
    expect(chunkDays('2024-01-01', '2024-01-01', 4)).toEqual([
      { from: '2024-01-01', to: '2024-01-01' },
    ]);
  });

  it('does day arithmetic across months and leap years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
  });

  it('names the fix for a malformed day', () => {
    expect(() => parseDay('31/01/2024', '--from')).toThrow(UsageError);
    expect(() => parseDay('31/01/2024', '--from')).toThrow(/--from "31\/01\/2024" is not a day/);
  });
});
