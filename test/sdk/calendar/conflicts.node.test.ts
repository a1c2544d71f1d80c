import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conflictsForDraft, findConflicts, locationKey } from '../../../sdk/calendar/conflicts.ts';
import { makeOperation } from './fixtures.ts';

const WIN: [number, number] = [Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)];
const place = (name: string) => ({ name, region: { province: '31', regency: '31.71' } });

describe('conflict rules', () => {
  it('flags one person booked twice at overlapping times across zones', () => {
    // 09:00-12:00 WIB = 02:00-05:00Z; 11:00-12:00 WITA = 03:00-04:00Z: overlap
    const a = makeOperation({ team: [{ id: 'p-1', name: 'A', agencyId: 'imi' }], location: place('Kantor A') });
    const b = makeOperation({ timeZone: 'Asia/Makassar', start: '2026-03-02T11:00', end: '2026-03-02T12:00', team: [{ id: 'p-1', name: 'A', agencyId: 'imi' }], location: place('Kantor B') });
    const c = findConflicts([a, b], ...WIN);
    assert.deepEqual(c.map((x) => [x.code, x.subject]), [['member_double_booked', 'p-1']]);
  });

  it('does not flag back-to-back bookings or cancelled ones', () => {
    const t = [{ id: 'p-1', name: 'A', agencyId: 'imi' }];
    const a = makeOperation({ team: t, location: place('X') });
    // 12:00 WIB = 13:00 WITA: starts exactly when a ends
    const b = makeOperation({ timeZone: 'Asia/Makassar', start: '2026-03-02T13:00', end: '2026-03-02T14:00', team: t, location: place('X') });
    const c = makeOperation({ team: t, location: place('X'), status: 'cancelled' });
    assert.deepEqual(findConflicts([a, b, c], ...WIN), []);
  });

  it('reports a whole agency team booked twice once, not member by member', () => {
    const team = [
      { id: 'p-1', name: 'A', agencyId: 'polres' },
      { id: 'p-2', name: 'B', agencyId: 'polres' },
    ];
    const a = makeOperation({ team, location: place('X') });
    const b = makeOperation({ team: [...team].reverse(), location: place('Y'), start: '2026-03-02T11:00', end: '2026-03-02T15:00' });
    assert.deepEqual(findConflicts([a, b], ...WIN).map((x) => [x.code, x.subject]), [['team_double_booked', 'polres']]);
  });

  it('flags the same place double-booked (name folded, same region)', () => {
    const a = makeOperation({ team: [], location: { name: 'Hotel Melati', region: { province: '51', regency: '51.03' } } });
    const b = makeOperation({ team: [], location: { name: '  hotel   MELATI ', region: { province: '51', regency: '51.03' } } });
    const other = makeOperation({ team: [], location: { name: 'Hotel Melati', region: { province: '51', regency: '51.71' } } });
    const c = findConflicts([a, b, other], ...WIN);
    assert.deepEqual(c.map((x) => [x.code, x.a, x.b].sort()), [[a.id, b.id, 'location_double_booked'].sort()]);
    assert.notEqual(locationKey(a.location), locationKey(other.location));
  });

  it('checks a recurring draft slot by slot, ignoring its stored version', () => {
    const t = [{ id: 'p-9', name: 'Z', agencyId: 'imi' }];
    const stored = makeOperation({ team: t, location: place('Q'), start: '2026-03-16T10:00', end: '2026-03-16T11:00' });
    const draft = makeOperation({ team: t, location: place('R'), recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', exdates: [] } });
    const hits = conflictsForDraft(draft, [stored]);
    assert.equal(hits.length, 1);
    assert.equal(hits[0]!.a, `${draft.id}@2026-03-16T09:00`);
    // excluding that week removes the conflict
    const draft2 = { ...draft, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', exdates: ['2026-03-16T09:00'] } };
    assert.deepEqual(conflictsForDraft(draft2, [stored]), []);
    // the stored copy of the draft itself never conflicts
    assert.deepEqual(conflictsForDraft(stored, [stored]), []);
  });
});
