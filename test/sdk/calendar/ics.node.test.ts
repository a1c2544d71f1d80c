import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { exportIcs, importIcs, IcsImportError, type IcsErrorCode } from '../../../sdk/calendar/ics.ts';
import { expandOperations } from '../../../sdk/calendar/recurrence.ts';
import { makeOperation } from './fixtures.ts';

const ops = () => [
  makeOperation({
    timeZone: 'Asia/Makassar',
    description: 'Baris 1\nBaris 2; koma, "kutip" \\ garis',
    recordIds: ['rec-1', 'rec-2'],
    recurrence: {
      rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=6',
      exdates: ['2026-03-09T09:00'],
      overrides: {
        '2026-03-16T09:00': { start: '2026-03-17T10:00', title: 'Dipindah ke Selasa' },
        '2026-03-23T09:00': { status: 'cancelled', location: { name: 'Aula Kantor', region: { province: '73' } } },
      },
    },
  }),
  makeOperation({ kind: 'inspection', timeZone: 'Asia/Jayapura', start: '2026-04-01T22:00', end: '2026-04-02T01:30', status: 'ongoing', team: [] }),
  makeOperation({ kind: 'outreach', status: 'done', location: { name: 'Balai Desa' } }),
  makeOperation({ kind: 'coordination_meeting', timeZone: 'Europe/Berlin', start: '2026-03-28T10:00', end: '2026-03-28T11:00' }),
];

function expectCode(text: string, code: IcsErrorCode): void {
  assert.throws(() => importIcs(text), (e: unknown) => e instanceof IcsImportError && e.code === code && e.message.length > 0);
}

describe('iCalendar export/import', () => {
  it('round-trips operations exactly (export then import gives the same operations)', () => {
    const input = ops();
    const text = exportIcs(input, { now: new Date('2026-02-01T00:00:00Z') });
    assert.deepEqual(importIcs(text), input);
  });

  it('writes what calendar programs need: CRLF, folding, VTIMEZONE per zone, TZID times, RECURRENCE-ID', () => {
    const text = exportIcs(ops());
    assert.ok(text.startsWith('BEGIN:VCALENDAR\r\n'));
    assert.ok(text.split('\r\n').every((line) => new TextEncoder().encode(line).length <= 75));
    assert.match(text, /PRODID:-\/\/Timpora Kit/);
    assert.match(text, /VERSION:2\.0/);
    for (const z of ['Asia/Makassar', 'Asia/Jayapura', 'Asia/Jakarta', 'Europe/Berlin']) assert.match(text, new RegExp(`TZID:${z}\\r\\n`));
    assert.match(text, /TZNAME:WITA/);
    assert.match(text, /DTSTART;TZID=Asia\/Makassar:20260302T090000/);
    assert.match(text, /RECURRENCE-ID;TZID=Asia\/Makassar:20260316T090000/);
    assert.match(text, /EXDATE;TZID=Asia\/Makassar:20260309T090000/);
    assert.match(text, /DTSTAMP:\d{8}T\d{6}Z/);
    // Berlin has DST: its VTIMEZONE carries DAYLIGHT observances
    assert.match(text, /BEGIN:DAYLIGHT/);
  });

  it('gives the same instants when ical.js itself expands the exported file with its VTIMEZONEs', () => {
    const input = ops();
    const text = exportIcs(input);
    const cal = new ICAL.Component(ICAL.parse(text));
    for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
    const ev = new ICAL.Event(cal.getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === input[3]!.id)!);
    const mine = expandOperations([input[3]!], 0, Date.UTC(2030, 0, 1));
    assert.equal(ev.startDate.toUnixTime() * 1000, mine[0]!.startMs);
    const jp = new ICAL.Event(cal.getAllSubcomponents('vevent').find((v) => v.getFirstPropertyValue('uid') === input[1]!.id)!);
    assert.equal(new Date(jp.startDate.toUnixTime() * 1000).toISOString(), '2026-04-01T13:00:00.000Z');
  });

  it('imports files from other programs: UTC times, DURATION, Windows TZIDs, single-offset VTIMEZONE', () => {
    const text = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN',
      'BEGIN:VTIMEZONE', 'TZID:Custom WITA', 'BEGIN:STANDARD', 'DTSTART:16010101T000000', 'TZOFFSETFROM:+0800', 'TZOFFSETTO:+0800', 'END:STANDARD', 'END:VTIMEZONE',
      'BEGIN:VEVENT', 'UID:a@example', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260302T020000Z', 'DURATION:PT90M', 'SUMMARY:Rapat', 'LOCATION:Ruang 2', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b@example', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=SE Asia Standard Time:20260303T090000', 'DTEND;TZID=SE Asia Standard Time:20260303T100000', 'SUMMARY:Sidak', 'STATUS:CANCELLED', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:c@example', 'DTSTAMP:20260101T000000Z', 'DTSTART;TZID=Custom WITA:20260304T090000', 'DTEND;TZID=Custom WITA:20260304T100000', 'SUMMARY:Penyuluhan', 'RRULE:FREQ=DAILY;COUNT=3', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:c@example', 'DTSTAMP:20260101T000000Z', 'RECURRENCE-ID;TZID=Custom WITA:20260305T090000', 'DTSTART;TZID=Custom WITA:20260305T140000', 'DTEND;TZID=Custom WITA:20260305T150000', 'SUMMARY:Penyuluhan', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n');
    const [a, b, c] = importIcs(text, { defaultTimeZone: 'Asia/Jakarta', agencyId: 'imi-jakut', now: new Date('2026-02-01T00:00:00Z') });
    assert.deepEqual([a!.start, a!.end, a!.timeZone, a!.title, a!.location.name, a!.kind], ['2026-03-02T09:00', '2026-03-02T10:30', 'Asia/Jakarta', 'Rapat', 'Ruang 2', 'coordination_meeting']);
    assert.deepEqual([b!.timeZone, b!.status, b!.leadAgency], ['Asia/Jakarta', 'cancelled', 'imi-jakut']);
    assert.equal(c!.timeZone, 'Asia/Makassar');
    assert.deepEqual(c!.recurrence, { rrule: 'FREQ=DAILY;COUNT=3', overrides: { '2026-03-05T09:00': { start: '2026-03-05T14:00' } } });
  });

  it('rejects malformed files with a typed error and imports nothing', () => {
    const good = exportIcs(ops());
    expectCode('', 'ics_empty');
    expectCode('hello world', 'ics_parse_error');
    expectCode(good.replace('END:VCALENDAR', ''), 'ics_parse_error');
    expectCode('BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n', 'ics_not_calendar');
    expectCode(good.replace('END:VEVENT', 'END:VEVENTX'), 'ics_parse_error');
    expectCode(good.slice(0, Math.floor(good.length / 2)), 'ics_parse_error');
    // one bad event among good ones: the whole import fails
    const badRule = good.replace('RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=6', 'RRULE:FREQ=WEEKLY;BYDAY=XX;COUNT=6');
    expectCode(badRule, 'ics_invalid_rrule');
    const secondStart = good.lastIndexOf('DTSTART;TZID=');
    const noStart = good.slice(0, secondStart) + good.slice(good.indexOf('\r\n', secondStart) + 2);
    expectCode(noStart, 'ics_missing_start');
    expectCode(good.replace('DTEND;TZID=Asia/Jayapura:20260402T013000', 'DTEND;TZID=Asia/Jayapura:20260401T013000'), 'ics_end_before_start');
    expectCode(good.replaceAll('TZID=Asia/Jayapura', 'TZID=Nowhere/Atlantis'), 'ics_unknown_time_zone');
    expectCode(good.replace(/X-TIMPORA-TEAM:\[/, 'X-TIMPORA-TEAM:{'), 'ics_invalid_field');
  });

  it('rejects two series with one UID', () => {
    const [a] = ops();
    const text = exportIcs([a!, { ...a!, recurrence: undefined }].map((o) => ({ ...o, recurrence: undefined })) as never);
    assert.throws(() => importIcs(text), (e: unknown) => e instanceof IcsImportError && e.code === 'ics_duplicate_uid' && e.uid === a!.id);
  });
});
