/**
 * View-model helpers of the operation calendar: calendar-date arithmetic on `YYYY-MM-DD` strings, the days
 * a view shows, occurrences bucketed by the viewer's day, and lane layout for timed views. No DOM, no Lit.
 * @module
 */
import type { Occurrence } from '../../sdk/calendar/recurrence.ts';
import { toInstant, toLocalParts, zoneOffset, type LocalParts } from '../../sdk/calendar/zones.ts';

/** Calendar views. */
export type CalendarView = 'month' | 'week' | 'day' | 'agenda';
export const VIEWS: readonly CalendarView[] = ['month', 'week', 'day', 'agenda'];

const DAY = 86_400_000;
const pad = (n: number): string => (n < 10 ? '0' : '') + n;

/** `YYYY-MM-DD` to a UTC-midnight epoch (calendar arithmetic only). */
export function dateMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

/** UTC-midnight epoch to `YYYY-MM-DD`. */
export function msDate(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

export function addDays(date: string, days: number): string {
  return msDate(dateMs(date) + days * DAY);
}

/** Adds months, clamping the day to the month's end. */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const ny = y + Math.floor(m / 12);
  const nm = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(ny, nm + 1, 0)).getUTCDate();
  return `${String(ny).padStart(4, '0')}-${pad(nm + 1)}-${pad(Math.min(Number(date.slice(8, 10)), last))}`;
}

/** ISO weekday, Monday = 0 ... Sunday = 6. */
export function weekday(date: string): number {
  return (new Date(dateMs(date)).getUTCDay() + 6) % 7;
}

/** Monday of the week holding `date`. */
export function startOfWeek(date: string): string {
  return addDays(date, -weekday(date));
}

export function isValidDate(date: unknown): date is string {
  return typeof date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(date) && msDate(dateMs(date)) === date;
}

/** Days a view shows: 6 weeks for month (Monday first), 7 for week, 1 for day, `agendaDays` for agenda. */
export function viewDays(view: CalendarView, date: string, agendaDays: number): string[] {
  let first: string;
  let count: number;
  if (view === 'month') {
    first = startOfWeek(date.slice(0, 8) + '01');
    count = 42;
  } else if (view === 'week') {
    first = startOfWeek(date);
    count = 7;
  } else if (view === 'day') {
    first = date;
    count = 1;
  } else {
    first = date;
    count = Math.max(1, Math.min(3660, Math.floor(agendaDays)));
  }
  const out: string[] = new Array(count);
  const base = dateMs(first);
  for (let i = 0; i < count; i++) out[i] = msDate(base + i * DAY);
  return out;
}

/** The date navigation moves to: a month, a week, a day, or the agenda length. */
export function step(view: CalendarView, date: string, dir: number, agendaDays: number): string {
  if (view === 'month') return addMonths(date, dir);
  if (view === 'week') return addDays(date, 7 * dir);
  if (view === 'day') return addDays(date, dir);
  return addDays(date, agendaDays * dir);
}

/** Instant of local midnight of `date` in `zone`. */
export function midnight(date: string, zone: string): number {
  return toInstant(`${date}T00:00`, zone);
}

/** Today's date in `zone`. */
export function today(zone: string, now = Date.now()): string {
  const p = toLocalParts(now, zone);
  return `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`;
}

/** Local parts of an instant in the viewer's zone; `date` is `YYYY-MM-DD`, `minutes` since midnight. */
export interface ViewerTime {
  date: string;
  minutes: number;
  parts: LocalParts;
}

export function viewerTime(ms: number, zone: string): ViewerTime {
  const p = toLocalParts(ms, zone);
  return { date: `${String(p.year).padStart(4, '0')}-${pad(p.month)}-${pad(p.day)}`, minutes: p.hour * 60 + p.minute, parts: p };
}

/** A piece of an occurrence on one viewer day (timed views split events that cross midnight). */
export interface Segment {
  occ: Occurrence;
  date: string;
  /** Minutes since the viewer's midnight, clipped to the day. */
  from: number;
  to: number;
  /** True when the occurrence starts on this day (its handle is shown here). */
  head: boolean;
  /** True when the occurrence ends on this day (its resize handle is shown here). */
  tail: boolean;
  lane: number;
  lanes: number;
}

/**
 * Buckets occurrences (sorted by start) by the viewer days they touch. Multi-day occurrences appear on every
 * day; an end at exactly midnight does not touch the next day.
 */
export function bucketByDay(occs: readonly Occurrence[], days: readonly string[], zone: string): Map<string, Segment[]> {
  const lists: Segment[][] = days.map(() => []);
  const map = new Map<string, Segment[]>();
  days.forEach((d, i) => map.set(d, lists[i]!));
  if (days.length === 0) return map;
  const firstDay = dateMs(days[0]!) / DAY;
  const lastIndex = days.length - 1;
  for (const occ of occs) {
    // Wall clock of the viewer as a floating epoch: day index and minutes without building dates.
    const sf = occ.startMs + zoneOffset(zone, occ.startMs) * 60_000;
    const endMs = Math.max(occ.endMs, occ.startMs);
    const ef = endMs + zoneOffset(zone, endMs) * 60_000;
    const sDay = Math.floor(sf / DAY);
    const sMin = Math.floor((sf - sDay * DAY) / 60_000);
    let eDay = Math.floor(ef / DAY);
    let eMin = Math.floor((ef - eDay * DAY) / 60_000);
    if (eMin === 0 && occ.endMs > occ.startMs) {
      eDay -= 1;
      eMin = 1440;
    }
    const from = Math.max(sDay - firstDay, 0);
    const to = Math.min(eDay - firstDay, lastIndex);
    for (let i = from; i <= to; i++) {
      const head = i === sDay - firstDay;
      const tail = i === eDay - firstDay;
      lists[i]!.push({
        occ,
        date: days[i]!,
        from: head ? sMin : 0,
        to: tail ? Math.max(eMin, head ? sMin + 15 : 15) : 1440,
        head,
        tail,
        lane: 0,
        lanes: 1,
      });
    }
  }
  return map;
}

/** Assigns side-by-side lanes to overlapping segments of one day (greedy, clusters share a lane count). */
export function layoutLanes(segments: Segment[]): Segment[] {
  const sorted = [...segments].sort((a, b) => a.from - b.from || b.to - a.to);
  let cluster: Segment[] = [];
  let laneEnds: number[] = [];
  let clusterEnd = -1;
  const flush = (): void => {
    for (const s of cluster) s.lanes = laneEnds.length;
    cluster = [];
    laneEnds = [];
  };
  for (const seg of sorted) {
    if (seg.from >= clusterEnd) flush();
    let lane = laneEnds.findIndex((end) => end <= seg.from);
    if (lane < 0) {
      lane = laneEnds.length;
      laneEnds.push(seg.to);
    } else laneEnds[lane] = seg.to;
    seg.lane = lane;
    cluster.push(seg);
    clusterEnd = Math.max(clusterEnd, seg.to);
  }
  flush();
  return sorted;
}
