import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateOperation } from '../../../sdk/model/validate-operation.ts';
import { makeOperation } from './fixtures.ts';

const codes = (input: unknown, opts = {}) => validateOperation(input, opts).map((i) => `${i.code}@${i.path}`);

describe('validateOperation', () => {
  it('accepts a complete operation, recurring or not', () => {
    assert.deepEqual(codes(makeOperation(), { requireMeta: true }), []);
    assert.deepEqual(
      codes(makeOperation({ recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO', exdates: ['2026-03-09T09:00'], overrides: { '2026-03-16T09:00': { start: '2026-03-16T13:00' } } } })),
      [],
    );
  });

  it('reports end_before_start, invalid_time_zone and invalid_rrule with paths', () => {
    assert.deepEqual(codes(makeOperation({ end: '2026-03-02T08:00' })), ['end_before_start@end']);
    assert.deepEqual(codes(makeOperation({ end: '2026-03-02T09:00' })), ['end_before_start@end']);
    assert.deepEqual(codes(makeOperation({ timeZone: 'WITA' })), ['invalid_time_zone@timeZone']);
    const r = validateOperation(makeOperation({ recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=XX' } }));
    assert.deepEqual(r, [{ code: 'invalid_rrule', path: 'recurrence.rrule', severity: 'error', params: { part: 'BYDAY' } }]);
  });

  it('checks overrides: keys, times and their order against the series duration', () => {
    const op = makeOperation({
      recurrence: {
        rrule: 'FREQ=DAILY',
        exdates: ['2026-03-40T09:00'],
        overrides: {
          'not-a-date': { title: 'x' },
          '2026-03-03T09:00': { end: '2026-03-03T08:00' },
          '2026-03-04T09:00': { start: '2026-03-04T10:00', status: 'later' as never },
        },
      },
    });
    assert.deepEqual(codes(op), [
      'invalid_date@recurrence.exdates.0',
      'invalid_date@recurrence.overrides.not-a-date',
      'end_before_start@recurrence.overrides.2026-03-03T09:00.end',
      'invalid_enum@recurrence.overrides.2026-03-04T09:00.status',
    ]);
  });

  it('reports required fields, wrong types, enums and duplicates; never throws', () => {
    assert.deepEqual(codes(null), ['invalid_type@']);
    assert.deepEqual(codes([]), ['invalid_type@']);
    const c = codes({ kind: 'party', title: '  ', leadAgency: 'imi', participatingAgencies: ['a', 'a'], team: [{ id: 'm', name: 'N', agencyId: 'a' }, { id: 'm', name: '', agencyId: 'a' }], location: {}, start: 5, end: '2026-03-02T10:00', timeZone: 'Asia/Jakarta', status: 'planned', recordIds: [], extra: 1 });
    assert.deepEqual(c, [
      'unknown_field@extra',
      'invalid_enum@kind',
      'required@title',
      'duplicate@participatingAgencies.1',
      'duplicate@team.1.id',
      'required@team.1.name',
      'required@location.name',
      'invalid_type@start',
    ]);
    assert.ok(codes({}).includes('required@start'));
    assert.ok(!codes({}, { partial: true }).includes('required@start'));
  });

  it('limits a single occurrence to 31 days', () => {
    assert.deepEqual(codes(makeOperation({ end: '2026-04-10T09:00' })), ['too_long@end']);
  });
});
