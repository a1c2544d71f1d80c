import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CalendarTimeError,
  addLocalMinutes,
  convertLocal,
  isValidTimeZone,
  parseLocal,
  toInstant,
  toLocal,
  zoneAbbreviation,
  zoneOffset,
} from '../../../sdk/calendar/zones.ts';

describe('zones: WIB / WITA / WIT', () => {
  it('reads wall clocks in each Indonesian zone as the right instant', () => {
    assert.equal(new Date(toInstant('2026-03-02T09:00', 'Asia/Jakarta')).toISOString(), '2026-03-02T02:00:00.000Z');
    assert.equal(new Date(toInstant('2026-03-02T09:00', 'Asia/Makassar')).toISOString(), '2026-03-02T01:00:00.000Z');
    assert.equal(new Date(toInstant('2026-03-02T09:00', 'Asia/Jayapura')).toISOString(), '2026-03-02T00:00:00.000Z');
  });

  it('converts between the three zones, across midnight', () => {
    assert.equal(convertLocal('2026-03-02T09:00', 'Asia/Makassar', 'Asia/Jakarta'), '2026-03-02T08:00');
    assert.equal(convertLocal('2026-03-02T09:00', 'Asia/Jakarta', 'Asia/Jayapura'), '2026-03-02T11:00');
    assert.equal(convertLocal('2026-03-02T00:30', 'Asia/Jayapura', 'Asia/Jakarta'), '2026-03-01T22:30');
    assert.equal(convertLocal('2026-12-31T23:30', 'Asia/Jakarta', 'Asia/Jayapura'), '2027-01-01T01:30');
  });

  it('labels zones WIB, WITA, WIT', () => {
    assert.equal(zoneAbbreviation('Asia/Jakarta'), 'WIB');
    assert.equal(zoneAbbreviation('Asia/Pontianak'), 'WIB');
    assert.equal(zoneAbbreviation('Asia/Makassar'), 'WITA');
    assert.equal(zoneAbbreviation('Asia/Jayapura'), 'WIT');
    assert.equal(zoneOffset('Asia/Makassar', Date.UTC(2026, 5, 1)), 480);
  });

  it('handles viewers in DST zones: gap moves forward, overlap takes the earlier instant', () => {
    // Berlin springs forward 2026-03-29 02:00 -> 03:00
    assert.equal(toLocal(toInstant('2026-03-29T02:30', 'Europe/Berlin'), 'Europe/Berlin'), '2026-03-29T03:30');
    // Berlin falls back 2026-10-25 03:00 -> 02:00; 02:30 happens twice, first at 00:30Z
    assert.equal(new Date(toInstant('2026-10-25T02:30', 'Europe/Berlin')).toISOString(), '2026-10-25T00:30:00.000Z');
    // 09:00 WITA the day after the change is 02:00 in Berlin (summer time), the day before 01:00
    assert.equal(convertLocal('2026-03-28T09:00', 'Asia/Makassar', 'Europe/Berlin'), '2026-03-28T02:00');
    assert.equal(convertLocal('2026-03-30T09:00', 'Asia/Makassar', 'Europe/Berlin'), '2026-03-30T03:00');
  });

  it('rejects unknown zones and malformed local times with typed errors', () => {
    assert.equal(isValidTimeZone('Asia/Makassar'), true);
    assert.equal(isValidTimeZone('Asia/Bandung'), false);
    assert.equal(isValidTimeZone(''), false);
    assert.throws(() => toInstant('2026-03-02T09:00', 'Mars/Olympus'), (e: unknown) => e instanceof CalendarTimeError && e.code === 'invalid_time_zone');
    assert.throws(() => toInstant('2026-02-30T09:00', 'Asia/Jakarta'), (e: unknown) => e instanceof CalendarTimeError && e.code === 'invalid_local_date_time');
    assert.equal(parseLocal('2026-13-01T09:00'), undefined);
    assert.equal(addLocalMinutes('2026-02-28T23:30', 60), '2026-03-01T00:30');
  });
});
