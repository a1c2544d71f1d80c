/**
 * Time-zone arithmetic for operations: wall-clock `LocalDateTime` values read in an IANA zone, converted to
 * instants and back through `Intl.DateTimeFormat` only (no zone database is bundled). Indonesian zones are
 * labelled WIB / WITA / WIT; other zones use the short name the runtime gives.
 * @module
 */
import type { IndonesianTimeZone, LocalDateTime } from '../model/types.ts';

/** Thrown when a zone name is not a valid IANA zone in this runtime, or a local date-time cannot be read. */
export class CalendarTimeError extends Error {
  /** Stable code: `invalid_time_zone` or `invalid_local_date_time`. */
  readonly code: 'invalid_time_zone' | 'invalid_local_date_time';
  constructor(code: 'invalid_time_zone' | 'invalid_local_date_time', message: string) {
    super(message);
    this.name = 'CalendarTimeError';
    this.code = code;
  }
}

/** The three Indonesian zones with their abbreviations and fixed UTC offsets in minutes. */
export const INDONESIAN_ZONES: Readonly<
  Record<
    IndonesianTimeZone,
    {
      /** Indonesian abbreviation shown next to times. */
      abbr: 'WIB' | 'WITA' | 'WIT';
      /** Offset from UTC in minutes (Indonesia has no daylight saving time): 420, 480 or 540. */
      offset: number;
    }
  >
> =
  Object.freeze({
    'Asia/Jakarta': { abbr: 'WIB', offset: 420 },
    'Asia/Makassar': { abbr: 'WITA', offset: 480 },
    'Asia/Jayapura': { abbr: 'WIT', offset: 540 },
  });

/** Other IANA names that share the Indonesian abbreviations (Pontianak is WIB, Bali/Central is WITA). */
const ABBREVIATIONS: Record<string, string> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Pontianak': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Ujung_Pandang': 'WITA',
  'Asia/Jayapura': 'WIT',
};

/** A local date-time split into numeric fields (month 1-12). */
export interface LocalParts {
  /** Full year, e.g. 2026. */
  year: number;
  /** Month 1-12 (not 0-11 as in `Date`). */
  month: number;
  /** Day of the month, 1-31. */
  day: number;
  /** Hour 0-23. */
  hour: number;
  /** Minute 0-59. */
  minute: number;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?$/;

/** Parses `YYYY-MM-DDTHH:mm` (seconds tolerated and dropped); `undefined` if the shape or the values are wrong. */
export function parseLocal(value: string): LocalParts | undefined {
  // Fast path for the canonical `YYYY-MM-DDTHH:mm` shape; the regular expression handles the rest.
  let year: number, month: number, day: number, hour: number, minute: number;
  if (
    typeof value === 'string' &&
    value.length === 16 &&
    value.charCodeAt(4) === 45 &&
    value.charCodeAt(7) === 45 &&
    value.charCodeAt(10) === 84 &&
    value.charCodeAt(13) === 58
  ) {
    year = digits(value, 0, 4);
    month = digits(value, 5, 7);
    day = digits(value, 8, 10);
    hour = digits(value, 11, 13);
    minute = digits(value, 14, 16);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0) return undefined;
  } else {
    const m = LOCAL_RE.exec(value);
    if (!m) return undefined;
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
    hour = Number(m[4]);
    minute = Number(m[5]);
  }
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || day < 1 || day > daysInMonth(year, month)) {
    return undefined;
  }
  return { year, month, day, hour, minute };
}

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Number of days in a month (month 1-12). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return DAYS_IN_MONTH[month - 1] ?? 0;
}

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;
const pad4 = (n: number): string => String(n).padStart(4, '0');

/** Formats local parts as `YYYY-MM-DDTHH:mm`. */
export function formatLocal(p: LocalParts): LocalDateTime {
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** Local parts to a "floating" epoch (the wall clock read as if it were UTC). Handy for wall-clock arithmetic. */
export function localToFloating(p: LocalParts): number {
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
}

/** Inverse of {@link localToFloating}. */
export function floatingToLocal(ms: number): LocalParts {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const validity = new Map<string, boolean>();

/** True when the runtime knows `zone` as an IANA time zone (UTC included). */
export function isValidTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length === 0) return false;
  const known = validity.get(zone);
  if (known !== undefined) return known;
  let ok = true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    ok = false;
  }
  validity.set(zone, ok);
  return ok;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    if (!isValidTimeZone(zone)) throw new CalendarTimeError('invalid_time_zone', `Unknown time zone: ${zone}`);
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

// Offsets change at most a few times a year. Cache per zone and week: when the offsets at both ends of a week
// agree, the whole week has that offset (no zone changes twice within seven days); otherwise fall back to a
// per-hour cache for that week. Hot loops (rendering 20,000 occurrences) then rarely call Intl.
const weekCache = new Map<string, Map<number, number>>();
const hourCache = new Map<string, Map<number, number>>();
const HOUR = 3_600_000;
const WEEK = 7 * 86_400_000;
const MIXED = 100_000; // marker: the week holds a transition

function intlOffset(zone: string, at: number): number {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 0;
  const parts = formatterFor(zone).formatToParts(new Date(at));
  let y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year': y = Number(p.value); break;
      case 'month': mo = Number(p.value); break;
      case 'day': d = Number(p.value); break;
      case 'hour': h = Number(p.value); break;
      case 'minute': mi = Number(p.value); break;
      case 'second': se = Number(p.value); break;
      default: break;
    }
  }
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, se);
  return Math.round((asUtc - Math.floor(at / 1000) * 1000) / 60_000);
}

function cacheFor(map: Map<string, Map<number, number>>, zone: string): Map<number, number> {
  let m = map.get(zone);
  if (!m) {
    m = new Map();
    map.set(zone, m);
  }
  return m;
}

/** UTC offset of `zone` at instant `epochMs`, in minutes east of UTC (WIB = 420). */
export function zoneOffset(zone: string, epochMs: number): number {
  const weeks = cacheFor(weekCache, zone);
  const week = Math.floor(epochMs / WEEK);
  let w = weeks.get(week);
  if (w === undefined) {
    const a = intlOffset(zone, week * WEEK);
    const b = intlOffset(zone, (week + 1) * WEEK - 1000);
    w = a === b ? a : MIXED;
    if (weeks.size > 20_000) weeks.clear();
    weeks.set(week, w);
  }
  if (w !== MIXED) return w;
  const hours = cacheFor(hourCache, zone);
  const bucket = Math.floor(epochMs / HOUR);
  const hit = hours.get(bucket);
  if (hit !== undefined) return hit;
  // Transitions happen on whole hours (or half hours); probe at the end of the hour to stay on one side.
  const offset = intlOffset(zone, bucket * HOUR);
  const end = intlOffset(zone, bucket * HOUR + HOUR - 1000);
  if (offset !== end) return intlOffset(zone, epochMs);
  if (hours.size > 50_000) hours.clear();
  hours.set(bucket, offset);
  return offset;
}

/**
 * Instant (epoch ms) of a wall-clock time in `zone`. In a DST gap the time is moved forward by the gap;
 * in an overlap the earlier instant is chosen (RFC 5545 rule).
 * @throws CalendarTimeError for an unknown zone or an unreadable local value.
 */
export function toInstant(local: LocalDateTime | LocalParts, zone: string): number {
  const p = typeof local === 'string' ? parseLocal(local) : local;
  if (!p) throw new CalendarTimeError('invalid_local_date_time', `Not a local date-time: ${String(local)}`);
  const floating = localToFloating(p);
  const DAY = 86_400_000;
  const before = zoneOffset(zone, floating - DAY);
  const after = zoneOffset(zone, floating + DAY);
  const t1 = floating - before * 60_000;
  if (before === after) return t1;
  const t2 = floating - after * 60_000;
  const ok1 = zoneOffset(zone, t1) === before;
  const ok2 = zoneOffset(zone, t2) === after;
  if (ok1 && ok2) return Math.min(t1, t2); // overlap: the earlier instant
  if (ok1) return t1;
  if (ok2) return t2;
  // Gap: the wall time does not exist; the offset in force before the transition moves it forward.
  return t1;
}

/** Wall-clock parts of an instant in `zone`. */
export function toLocalParts(epochMs: number, zone: string): LocalParts {
  return floatingToLocal(epochMs + zoneOffset(zone, epochMs) * 60_000);
}

/** Wall-clock `YYYY-MM-DDTHH:mm` of an instant in `zone`. */
export function toLocal(epochMs: number, zone: string): LocalDateTime {
  return formatLocal(toLocalParts(epochMs, zone));
}

/** Converts a wall-clock time from one zone to another, e.g. 09:00 WITA -> 08:00 WIB. */
export function convertLocal(local: LocalDateTime, fromZone: string, toZone: string): LocalDateTime {
  return toLocal(toInstant(local, fromZone), toZone);
}

/**
 * Short label of a zone at an instant: `WIB`, `WITA`, `WIT` for Indonesia, otherwise the runtime's short name
 * (e.g. `CET`, `GMT+2`) or `UTC±hh:mm`.
 */
export function zoneAbbreviation(zone: string, epochMs: number = Date.now(), locale = 'en-US'): string {
  const fixed = ABBREVIATIONS[zone];
  if (fixed) return fixed;
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  let offset: number;
  try {
    offset = zoneOffset(zone, epochMs);
  } catch {
    return zone;
  }
  const key = `${zone}|${locale}|${offset}`;
  const hit = abbreviationCache.get(key);
  if (hit) return hit;
  let name: string | undefined;
  try {
    const parts = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(epochMs));
    name = parts.find((p) => p.type === 'timeZoneName')?.value;
  } catch {
    name = undefined;
  }
  const label = name || formatOffset(offset);
  abbreviationCache.set(key, label);
  return label;
}
const abbreviationCache = new Map<string, string>();

/** `UTC+07:00` style label for an offset in minutes. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The viewer's zone according to the runtime (falls back to `Asia/Jakarta`). */
export function viewerTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Jakarta';
  } catch {
    return 'Asia/Jakarta';
  }
}

/** Adds minutes to a local date-time on the wall clock (no zone involved). */
export function addLocalMinutes(local: LocalDateTime, minutes: number): LocalDateTime {
  const p = parseLocal(local);
  if (!p) throw new CalendarTimeError('invalid_local_date_time', `Not a local date-time: ${local}`);
  return formatLocal(floatingToLocal(localToFloating(p) + minutes * 60_000));
}

/** Calendar date `YYYY-MM-DD` of a local date-time or parts. */
export function localDate(p: LocalParts): string {
  return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}`;
}
