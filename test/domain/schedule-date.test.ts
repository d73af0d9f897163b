import { describe, expect, it } from 'vitest';
import {
  addDays,
  dateOf,
  daysBetween,
  nextMidnight,
  parseScheduleDate,
} from '../../src/domain/schedule/schedule-date.js';
import { expectFailure } from './helpers.js';

describe('schedule dates are read leniently, as the vendor’s clients send them (spec §3.3)', () => {
  it.each([
    ['2023-09-26', '2023-09-26'],
    [' 2023-09-26 ', '2023-09-26'],
    ['2022/02/04', '2022-02-04'],
    ['2022/2/4', '2022-02-04'],
    ['Tue Sep 26 2023', '2023-09-26'],
    ['tue sep 26 2023', '2023-09-26'],
    ['2023-10-01T00:00:00', '2023-10-01'],
    ['2023-10-01T00:00:00Z', '2023-10-01'],
    ['2023-10-01T23:30:00.123Z', '2023-10-01'],
    ['2023-10-01T01:00:00+02:00', '2023-09-30'],
    ['2024-02-29', '2024-02-29'],
  ])('%j is %s', (text, date) => {
    expect(parseScheduleDate(text, '/d')).toBe(date);
  });

  it.each([
    ['2023-02-29'],
    ['2023-13-01'],
    ['2023-00-10'],
    ['2023-09-31'],
    ['0000-01-01'],
    ['Mon Sep 26 2023'],
    ['Tue Sept 26 2023'],
    ['26/09/2023'],
    ['20230926'],
    ['tomorrow'],
    [''],
    ['2023-10-01T25:00:00Z'],
    ['2023-09-26 and more'],
  ])('%j is refused with invalid_date', (text) => {
    expectFailure(
      () => parseScheduleDate(text, '/quantitiesByDate/x'),
      'invalid_date',
      '/quantitiesByDate/x',
    );
  });

  it('refuses what is not a string', () => {
    expectFailure(() => parseScheduleDate(20230926, '/ATPFromDate'), 'invalid_date', '/ATPFromDate');
  });
});

describe('day arithmetic in UTC', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2023-09-26', 5)).toBe('2023-10-01');
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2023-09-26', 179)).toBe('2024-03-23');
  });

  it('counts whole days between dates, negative backwards', () => {
    expect(daysBetween('2023-09-26', '2023-10-25')).toBe(29);
    expect(daysBetween('2023-10-25', '2023-09-26')).toBe(-29);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
  });

  it('the day of an instant is its UTC day, and the next midnight is the start of the next UTC day', () => {
    expect(dateOf(new Date('2023-09-26T23:59:59.999Z'))).toBe('2023-09-26');
    expect(dateOf(new Date('2023-09-27T00:30:00+02:00'))).toBe('2023-09-26');
    expect(new Date(nextMidnight(new Date('2023-09-26T23:59:59.999Z'))).toISOString()).toBe(
      '2023-09-27T00:00:00.000Z',
    );
    expect(new Date(nextMidnight(new Date('2023-09-27T00:00:00.000Z'))).toISOString()).toBe(
      '2023-09-28T00:00:00.000Z',
    );
  });
});
