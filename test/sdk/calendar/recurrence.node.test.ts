import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { expandOperation, expandOperations, isValidRrule, parseRrule, RecurrenceError } from '../../../sdk/calendar/recurrence.ts';
import { makeOperation } from './fixtures.ts';

const ALL: [number, number] = [Date.UTC(2020, 0, 1), Date.UTC(2030, 0, 1)];

describe('recurrence', () => {
  it('expands a weekly rule on the wall clock of the source zone', () => {
    const op = makeOperation({ timeZone: 'Asia/Makassar', recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4' } });
    const occ = expandOperation(op, ...ALL);
    assert.deepEqual(occ.map((o) => o.start), ['2026-03-02T09:00', '2026-03-09T09:00', '2026-03-16T09:00', '2026-03-23T09:00']);
    assert.deepEqual(occ.map((o) => o.end), ['2026-03-02T12:00', '2026-03-09T12:00', '2026-03-16T12:00', '2026-03-23T12:00']);
    // 09:00 WITA is 01:00Z every time
    assert.ok(occ.every((o) => new Date(o.startMs).getUTCHours() === 1));
  });

  it('removes EXDATEs and applies per-occurrence overrides (moved, retitled, cancelled)', () => {
    const op = makeOperation({
      timeZone: 'Asia/Jayapura',
      recurrence: {
        rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=5',
        exdates: ['2026-03-09T09:00'],
        overrides: {
          '2026-03-16T09:00': { start: '2026-03-17T13:00', end: '2026-03-17T14:00', title: 'Dipindah' },
          '2026-03-23T09:00': { status: 'cancelled' },
        },
      },
    });
    const occ = expandOperation(op, ...ALL);
    assert.deepEqual(
      occ.map((o) => [o.originalStart, o.start, o.end, o.title, o.status]),
      [
        ['2026-03-02T09:00', '2026-03-02T09:00', '2026-03-02T12:00', op.title, 'planned'],
        ['2026-03-16T09:00', '2026-03-17T13:00', '2026-03-17T14:00', 'Dipindah', 'planned'],
        ['2026-03-23T09:00', '2026-03-23T09:00', '2026-03-23T12:00', op.title, 'cancelled'],
        ['2026-03-30T09:00', '2026-03-30T09:00', '2026-03-30T12:00', op.title, 'planned'],
      ],
    );
    assert.equal(occ[1]!.overridden, true);
    assert.equal(occ[0]!.overridden, false);
  });

  it('finds an occurrence moved into a window from outside it', () => {
    const op = makeOperation({
      recurrence: { rrule: 'FREQ=MONTHLY;COUNT=3', overrides: { '2026-04-02T09:00': { start: '2026-05-20T09:00' } } },
    });
    const may = expandOperation(op, Date.UTC(2026, 4, 10), Date.UTC(2026, 4, 25));
    assert.deepEqual(may.map((o) => o.start), ['2026-05-20T09:00']);
    const april = expandOperation(op, Date.UTC(2026, 3, 1), Date.UTC(2026, 3, 30));
    assert.deepEqual(april, []);
  });

  it('honours UNTIL in UTC against the source zone', () => {
    // 2026-03-05T01:00Z is 09:00 WITA on the 5th: included
    const op = makeOperation({ timeZone: 'Asia/Makassar', recurrence: { rrule: 'FREQ=DAILY;UNTIL=20260305T010000Z' } });
    assert.deepEqual(expandOperation(op, ...ALL).map((o) => o.start.slice(0, 10)), ['2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05']);
    const op2 = makeOperation({ timeZone: 'Asia/Makassar', recurrence: { rrule: 'FREQ=DAILY;UNTIL=20260305T005900Z' } });
    assert.equal(expandOperation(op2, ...ALL).length, 3);
  });

  it('keeps the same instants for a viewer whose zone changes to summer time mid-series', () => {
    const op = makeOperation({ timeZone: 'Asia/Makassar', start: '2026-03-27T09:00', end: '2026-03-27T10:00', recurrence: { rrule: 'FREQ=DAILY;COUNT=4' } });
    const occ = expandOperation(op, ...ALL);
    // every occurrence is 01:00Z regardless of the Berlin change on 29 March
    assert.deepEqual(occ.map((o) => new Date(o.startMs).toISOString().slice(11, 16)), ['01:00', '01:00', '01:00', '01:00']);
  });

  it('expands only the window of an infinite rule and sorts many operations', () => {
    const a = makeOperation({ recurrence: { rrule: 'FREQ=DAILY' } });
    const b = makeOperation({ start: '2026-03-03T08:00', end: '2026-03-03T09:00', timeZone: 'Asia/Jayapura' });
    const list = expandOperations([a, b], Date.UTC(2026, 2, 3), Date.UTC(2026, 2, 4));
    // b at 08:00 WIT = 23:00Z on the 2nd ... ends 00:00Z on the 3rd: outside; a at 02:00Z on the 3rd: inside
    assert.deepEqual(list.map((o) => o.operation.id), [a.id]);
    const wide = expandOperations([a, b], Date.UTC(2026, 2, 2), Date.UTC(2026, 2, 4));
    assert.deepEqual(wide.map((o) => o.start), ['2026-03-02T09:00', '2026-03-03T08:00', '2026-03-03T09:00']);
  });

  it('validates RRULEs with the faulty part', () => {
    assert.equal(isValidRrule('FREQ=WEEKLY;BYDAY=MO,WE;INTERVAL=2;UNTIL=20261231'), true);
    assert.equal(isValidRrule('FREQ=MONTHLY;BYDAY=-1FR'), true);
    for (const [rule, part] of [
      ['FREQ=FORTNIGHTLY', 'FREQ'],
      ['BYDAY=MO', 'FREQ'],
      ['FREQ=WEEKLY;BYDAY=XX', 'BYDAY'],
      ['FREQ=DAILY;COUNT=0', 'COUNT'],
      ['FREQ=DAILY;COUNT=3;UNTIL=20260101', 'UNTIL'],
      ['FREQ=DAILY;FOO=1', 'FOO'],
      ['FREQ=MONTHLY;BYMONTHDAY=32', 'BYMONTHDAY'],
    ] as const) {
      assert.throws(() => parseRrule(rule), (e: unknown) => e instanceof RecurrenceError && e.code === 'invalid_rrule' && e.part === part, rule);
    }
    const bad = makeOperation({ recurrence: { rrule: 'FREQ=NEVER' } });
    assert.deepEqual(expandOperation(bad, ...ALL), []);
  });
});
