/**
 * iCalendar (RFC 5545) export and import of operations through ical.js.
 *
 * Export writes one VCALENDAR with a VTIMEZONE for every zone used (computed from `Intl`, so Outlook, Google
 * Calendar and Thunderbird keep the wall-clock times), one VEVENT per operation (DTSTART/DTEND with TZID, RRULE,
 * EXDATE) and one VEVENT per per-occurrence override (RECURRENCE-ID). Timpora-only fields travel as
 * `X-TIMPORA-*` properties so a round trip gives the same operations.
 *
 * Import is all-or-nothing: the whole text is parsed and checked first; any problem throws an
 * {@link IcsImportError} and no operation is returned.
 * @module
 */
import ICAL from 'ical.js';
import type {
  AgencyId,
  LocalDateTime,
  OccurrenceOverride,
  Operation,
  OperationKind,
  OperationLocation,
  OperationStatus,
  TeamMember,
} from '../model/types.ts';
import { parseRrule, RecurrenceError } from './rrule.ts';
import {
  addLocalMinutes,
  formatLocal,
  isValidTimeZone,
  localToFloating,
  parseLocal,
  toInstant,
  toLocal,
  zoneAbbreviation,
  zoneOffset,
} from './zones.ts';

/** Stable codes of import failures. */
export type IcsErrorCode =
  | 'ics_empty'
  | 'ics_parse_error'
  | 'ics_not_calendar'
  | 'ics_missing_uid'
  | 'ics_missing_start'
  | 'ics_invalid_date'
  | 'ics_end_before_start'
  | 'ics_unknown_time_zone'
  | 'ics_invalid_rrule'
  | 'ics_duplicate_uid'
  | 'ics_invalid_field'
  | 'ics_too_many_events';

/** Import failure. Nothing was imported when this is thrown. */
export class IcsImportError extends Error {
  /** Stable code for programs and for localised messages. */
  readonly code: IcsErrorCode;
  /** UID of the event at fault, when known. */
  readonly uid: string | undefined;
  /** Property at fault (e.g. `DTSTART`), when known. */
  readonly property: string | undefined;
  constructor(code: IcsErrorCode, message: string, detail: { uid?: string; property?: string } = {}) {
    super(message);
    this.name = 'IcsImportError';
    this.code = code;
    this.uid = detail.uid;
    this.property = detail.property;
  }
}

/** Options for {@link exportIcs}. */
export interface IcsExportOptions {
  /** Calendar name (X-WR-CALNAME), e.g. "Operasi Timpora Jakarta Utara". */
  name?: string;
  /** PRODID; default `-//Timpora Kit//Operation Calendar//ID`. */
  prodId?: string;
  /** DTSTAMP instant; default now. */
  now?: Date;
}

/** Options for {@link importIcs}. */
export interface IcsImportOptions {
  /** Zone for floating and UTC times and for unknown TZIDs that cannot be mapped (default `Asia/Jakarta`). */
  defaultTimeZone?: string;
  /** Agency recorded as owner/lead when the file carries no Timpora fields. */
  agencyId?: AgencyId;
  /** Kind for events without Timpora fields (default `coordination_meeting`). */
  defaultKind?: OperationKind;
  /** Upper bound on events (default 50,000). */
  maxEvents?: number;
  /** Timestamp for created/updated when the file has none; default now. */
  now?: Date;
}

const KINDS: readonly OperationKind[] = ['joint_operation', 'coordination_meeting', 'inspection', 'outreach'];
const STATUSES: readonly OperationStatus[] = ['planned', 'ongoing', 'done', 'cancelled'];

const X = {
  kind: 'x-timpora-kind',
  status: 'x-timpora-status',
  lead: 'x-timpora-lead-agency',
  agencies: 'x-timpora-agencies',
  team: 'x-timpora-team',
  location: 'x-timpora-location',
  records: 'x-timpora-records',
  source: 'x-timpora-source-agency',
  zone: 'x-timpora-time-zone',
  fields: 'x-timpora-override-fields',
} as const;

// ---------------------------------------------------------------------------------------------- export

function icalLocal(local: LocalDateTime): ICAL.Time {
  return ICAL.Time.fromDateTimeString(`${local.slice(0, 16)}:00`);
}

function utcTime(iso: string | Date): ICAL.Time {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return ICAL.Time.fromJSDate(Number.isNaN(d.getTime()) ? new Date(0) : d, true);
}

function zonedProp(name: string, local: LocalDateTime, zone: string): ICAL.Property {
  const p = new ICAL.Property(name);
  p.setParameter('tzid', zone);
  p.setValue(icalLocal(local));
  return p;
}

function offsetString(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}${String(a % 60).padStart(2, '0')}`;
}

/** Offset transitions of `zone` between two instants, found by daily sampling and bisection to the minute. */
function transitions(zone: string, fromMs: number, toMs: number): { at: number; from: number; to: number }[] {
  const out: { at: number; from: number; to: number }[] = [];
  const DAY = 86_400_000;
  let prevT = fromMs;
  let prevO = zoneOffset(zone, prevT);
  for (let t = fromMs + DAY; t <= toMs; t += DAY) {
    const o = zoneOffset(zone, t);
    if (o !== prevO) {
      let lo = prevT;
      let hi = t;
      // offsets are cached per hour; bisect on hours then the transition is at the top of that hour
      while (hi - lo > 3_600_000) {
        const mid = lo + Math.floor((hi - lo) / 2 / 3_600_000) * 3_600_000 || lo + 3_600_000;
        if (zoneOffset(zone, mid) === prevO) lo = mid;
        else hi = mid;
      }
      out.push({ at: Math.floor(hi / 3_600_000) * 3_600_000, from: prevO, to: o });
      prevO = o;
    }
    prevT = t;
  }
  return out;
}

/** A VTIMEZONE for `zone` valid over `[fromMs, toMs]` (explicit observances, no rules to misread). */
export function vtimezone(zone: string, fromMs: number, toMs: number): ICAL.Component {
  const tz = new ICAL.Component('vtimezone');
  tz.addPropertyWithValue('tzid', zone);
  tz.addPropertyWithValue('x-lic-location', zone);
  const start = fromMs - 366 * 86_400_000;
  const end = toMs + 366 * 86_400_000;
  const first = zoneOffset(zone, start);
  const list = transitions(zone, start, end);
  const observance = (kind: 'standard' | 'daylight', at: number, from: number, to: number): ICAL.Component => {
    const c = new ICAL.Component(kind);
    c.addPropertyWithValue('tzoffsetfrom', ICAL.UtcOffset.fromString(offsetString(from)));
    c.addPropertyWithValue('tzoffsetto', ICAL.UtcOffset.fromString(offsetString(to)));
    c.addPropertyWithValue('tzname', zoneAbbreviation(zone, at + 60_000));
    // DTSTART of an observance is the local time in the offset before the change
    c.addPropertyWithValue('dtstart', icalLocal(localFrom(at, from)));
    return c;
  };
  tz.addSubcomponent(observance('standard', start, first, first));
  if (list.length) {
    // the lower offset of the pair is "standard"
    const std = Math.min(...list.map((t) => Math.min(t.from, t.to)));
    for (const t of list) tz.addSubcomponent(observance(t.to === std ? 'standard' : 'daylight', t.at, t.from, t.to));
  }
  return tz;
}

function localFrom(at: number, offsetMin: number): LocalDateTime {
  return toLocal(at + offsetMin * 60_000, 'UTC');
}

function setText(c: ICAL.Component, name: string, value: string | undefined): void {
  if (value !== undefined && value !== '') c.addPropertyWithValue(name, value);
}

function locationText(l: OperationLocation): string {
  return l.address ? `${l.name}, ${l.address}` : l.name;
}

function icsStatus(s: OperationStatus): string {
  return s === 'cancelled' ? 'CANCELLED' : s === 'planned' ? 'TENTATIVE' : 'CONFIRMED';
}

/** RRULE text to ical.js's jCal object, keeping the order of the parts as written. */
function rruleToJcal(rrule: string): Record<string, string | number | (string | number)[]> {
  const out: Record<string, string | number | (string | number)[]> = {};
  for (const [k, v] of Object.entries(parseRrule(rrule))) {
    const key = k.toLowerCase();
    if (k === 'UNTIL') {
      const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/.exec(v)!;
      out[key] = m[4] ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}` : `${m[1]}-${m[2]}-${m[3]}`;
    } else if (k === 'COUNT' || k === 'INTERVAL') {
      out[key] = Number(v);
    } else if (v.includes(',')) {
      out[key] = v.split(',');
    } else {
      out[key] = v;
    }
  }
  return out;
}

/** Inverse of {@link rruleToJcal}: parts in the order they were written in the file. */
function jcalToRrule(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => {
      const key = k.toUpperCase();
      let text = Array.isArray(v) ? v.map(String).join(',') : String(v);
      if (key === 'UNTIL') text = text.replace(/[-:]/g, '');
      return `${key}=${text}`;
    })
    .join(';');
}

function masterEvent(op: Operation, stamp: ICAL.Time): ICAL.Component {
  const v = new ICAL.Component('vevent');
  v.addPropertyWithValue('uid', op.id);
  v.addPropertyWithValue('dtstamp', stamp);
  v.addPropertyWithValue('created', utcTime(op.createdAt));
  v.addPropertyWithValue('last-modified', utcTime(op.updatedAt));
  v.addPropertyWithValue('sequence', Math.max(0, Math.trunc(op.version)));
  v.addProperty(zonedProp('dtstart', op.start, op.timeZone));
  v.addProperty(zonedProp('dtend', op.end, op.timeZone));
  v.addPropertyWithValue('summary', op.title);
  setText(v, 'description', op.description);
  v.addPropertyWithValue('location', locationText(op.location));
  v.addPropertyWithValue('status', icsStatus(op.status));
  v.addPropertyWithValue('categories', op.kind);
  if (op.recurrence) {
    v.addProperty(new ICAL.Property(['rrule', {}, 'recur', rruleToJcal(op.recurrence.rrule)]));
    const ex = op.recurrence.exdates ?? [];
    if (ex.length) {
      const p = new ICAL.Property('exdate');
      p.setParameter('tzid', op.timeZone);
      p.setValues(ex.map(icalLocal));
      v.addProperty(p);
    }
  }
  v.addPropertyWithValue(X.kind, op.kind);
  v.addPropertyWithValue(X.status, op.status);
  v.addPropertyWithValue(X.lead, op.leadAgency);
  v.addPropertyWithValue(X.agencies, JSON.stringify(op.participatingAgencies));
  v.addPropertyWithValue(X.team, JSON.stringify(op.team));
  v.addPropertyWithValue(X.location, JSON.stringify(op.location));
  v.addPropertyWithValue(X.records, JSON.stringify(op.recordIds));
  v.addPropertyWithValue(X.source, op.sourceAgency);
  return v;
}

function overrideEvent(op: Operation, original: LocalDateTime, o: OccurrenceOverride, stamp: ICAL.Time): ICAL.Component {
  const v = new ICAL.Component('vevent');
  const sp = parseLocal(op.start)!;
  const ep = parseLocal(op.end)!;
  const duration = (localToFloating(ep) - localToFloating(sp)) / 60_000;
  const start = o.start ?? original;
  const end = o.end ?? addLocalMinutes(start, duration);
  v.addPropertyWithValue('uid', op.id);
  v.addPropertyWithValue('dtstamp', stamp);
  v.addProperty(zonedProp('recurrence-id', original, op.timeZone));
  v.addPropertyWithValue('sequence', Math.max(0, Math.trunc(op.version)));
  v.addProperty(zonedProp('dtstart', start, op.timeZone));
  v.addProperty(zonedProp('dtend', end, op.timeZone));
  const location = o.location ?? op.location;
  v.addPropertyWithValue('summary', o.title ?? op.title);
  setText(v, 'description', op.description);
  v.addPropertyWithValue('location', locationText(location));
  const status = o.status ?? op.status;
  v.addPropertyWithValue('status', icsStatus(status));
  v.addPropertyWithValue(X.status, status);
  if (o.location) v.addPropertyWithValue(X.location, JSON.stringify(o.location));
  const fields = (['start', 'end', 'title', 'status', 'location'] as const).filter((k) => o[k] !== undefined);
  v.addPropertyWithValue(X.fields, fields.join(',') || '-');
  return v;
}

/**
 * Serialises operations to an iCalendar text (CRLF line ends, folded at 75 octets).
 * Operations with invalid times or rules should be validated first; their rule is written as given.
 */
export function exportIcs(ops: readonly Operation[], options: IcsExportOptions = {}): string {
  const cal = new ICAL.Component(['vcalendar', [], []]);
  cal.addPropertyWithValue('prodid', options.prodId ?? '-//Timpora Kit//Operation Calendar//ID');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('calscale', 'GREGORIAN');
  cal.addPropertyWithValue('method', 'PUBLISH');
  if (options.name) cal.addPropertyWithValue('x-wr-calname', options.name);
  const stamp = utcTime(options.now ?? new Date());
  const zones = new Map<string, [number, number]>();
  for (const op of ops) {
    const s = parseLocal(op.start);
    const e = parseLocal(op.end);
    if (!s || !e) continue;
    const a = localToFloating(s);
    let b = localToFloating(e);
    const until = /UNTIL=(\d{4})(\d{2})(\d{2})/i.exec(op.recurrence?.rrule ?? '');
    if (op.recurrence) b = until ? Date.UTC(Number(until[1]), Number(until[2]) - 1, Number(until[3])) : b + 2 * 366 * 86_400_000;
    const r = zones.get(op.timeZone);
    zones.set(op.timeZone, r ? [Math.min(r[0], a), Math.max(r[1], b)] : [a, b]);
  }
  for (const [zone, [a, b]] of zones) {
    if (zone !== 'UTC' && isValidTimeZone(zone)) cal.addSubcomponent(vtimezone(zone, a, b));
  }
  for (const op of ops) {
    cal.addSubcomponent(masterEvent(op, stamp));
    const ov = op.recurrence?.overrides;
    if (ov) for (const [original, o] of Object.entries(ov)) cal.addSubcomponent(overrideEvent(op, original, o, stamp));
  }
  return cal.toString() + '\r\n';
}

// ---------------------------------------------------------------------------------------------- import

/** Windows zone names Outlook writes as TZID, for the zones Timpora meets. */
const WINDOWS_ZONES: Record<string, string> = {
  'SE Asia Standard Time': 'Asia/Jakarta',
  'Singapore Standard Time': 'Asia/Makassar',
  'W. Australia Standard Time': 'Asia/Makassar',
  'China Standard Time': 'Asia/Makassar',
  'Tokyo Standard Time': 'Asia/Jayapura',
  'Korea Standard Time': 'Asia/Jayapura',
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
};
const BY_OFFSET: Record<number, string> = { 420: 'Asia/Jakarta', 480: 'Asia/Makassar', 540: 'Asia/Jayapura', 0: 'UTC' };

interface Ctx {
  tzOffsets: Map<string, number[]>;
  defaultZone: string;
}

function resolveZone(tzid: string | undefined, ctx: Ctx, uid: string, property: string): string | undefined {
  if (tzid === undefined) return undefined;
  const clean = tzid.replace(/^\//, '');
  if (isValidTimeZone(clean)) return clean;
  const win = WINDOWS_ZONES[clean];
  if (win) return win;
  const offs = ctx.tzOffsets.get(tzid);
  if (offs && offs.length && offs.every((o) => o === offs[0])) {
    const z = BY_OFFSET[offs[0]!];
    if (z) return z;
  }
  throw new IcsImportError('ics_unknown_time_zone', `Unknown time zone "${tzid}" on ${property}`, { uid, property });
}

/** Reads a DATE / DATE-TIME property to a local time in a zone. */
function readTime(
  prop: ICAL.Property,
  ctx: Ctx,
  uid: string,
  zoneHint: string | undefined,
): { local: LocalDateTime; zone: string; isDate: boolean }[] {
  const name = prop.name.toUpperCase();
  const tzid = prop.getParameter('tzid');
  const zone = resolveZone(typeof tzid === 'string' ? tzid : undefined, ctx, uid, name);
  const out: { local: LocalDateTime; zone: string; isDate: boolean }[] = [];
  let values: unknown[];
  try {
    values = prop.getValues();
  } catch {
    throw new IcsImportError('ics_invalid_date', `Unreadable ${name}`, { uid, property: name });
  }
  for (const raw of values) {
    if (!(raw instanceof ICAL.Time)) throw new IcsImportError('ics_invalid_date', `Unreadable ${name}`, { uid, property: name });
    const t = raw;
    const p = { year: t.year, month: t.month, day: t.day, hour: t.isDate ? 0 : t.hour, minute: t.isDate ? 0 : t.minute };
    if (![p.year, p.month, p.day, p.hour, p.minute].every(Number.isFinite) || !parseLocal(formatLocal(p))) {
      throw new IcsImportError('ics_invalid_date', `Invalid ${name}`, { uid, property: name });
    }
    const local = formatLocal(p);
    const isUtc = t.zone === ICAL.Timezone.utcTimezone || t.zone?.tzid === 'UTC';
    if (isUtc) {
      const target = zoneHint ?? ctx.defaultZone;
      const ms = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
      out.push({ local: toLocal(ms, target), zone: target, isDate: false });
    } else {
      out.push({ local, zone: zone ?? zoneHint ?? ctx.defaultZone, isDate: t.isDate });
    }
  }
  return out;
}

function first(prop: ICAL.Property | null, ctx: Ctx, uid: string, zoneHint?: string) {
  if (!prop) return undefined;
  const all = readTime(prop, ctx, uid, zoneHint);
  return all[0];
}

function text(v: ICAL.Component, name: string): string | undefined {
  const val = v.getFirstPropertyValue(name);
  if (val === null || val === undefined) return undefined;
  return String(val);
}

function json<T>(v: ICAL.Component, name: string, uid: string, check: (x: unknown) => x is T): T | undefined {
  const raw = text(v, name);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new IcsImportError('ics_invalid_field', `${name.toUpperCase()} is not valid JSON`, { uid, property: name.toUpperCase() });
  }
  if (!check(parsed)) {
    throw new IcsImportError('ics_invalid_field', `${name.toUpperCase()} has the wrong shape`, { uid, property: name.toUpperCase() });
  }
  return parsed;
}

const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');
const isTeam = (x: unknown): x is TeamMember[] =>
  Array.isArray(x) &&
  x.every(
    (m) =>
      typeof m === 'object' && m !== null &&
      typeof (m as TeamMember).id === 'string' &&
      typeof (m as TeamMember).name === 'string' &&
      typeof (m as TeamMember).agencyId === 'string' &&
      ((m as TeamMember).role === undefined || typeof (m as TeamMember).role === 'string'),
  );
const isLocation = (x: unknown): x is OperationLocation =>
  typeof x === 'object' && x !== null && typeof (x as OperationLocation).name === 'string';

function statusFrom(v: ICAL.Component): OperationStatus {
  const x = text(v, X.status);
  if (x && (STATUSES as readonly string[]).includes(x)) return x as OperationStatus;
  const s = text(v, 'status')?.toUpperCase();
  return s === 'CANCELLED' ? 'cancelled' : 'planned';
}

function isoOf(v: ICAL.Component, name: string): string | undefined {
  const t = v.getFirstPropertyValue(name);
  if (!(t instanceof ICAL.Time)) return undefined;
  try {
    return t.toJSDate().toISOString();
  } catch {
    return undefined;
  }
}

/**
 * Parses an iCalendar text into operations. All-or-nothing: on any problem an {@link IcsImportError} is thrown
 * and nothing is returned. Times keep their TZID zone (IANA names; common Windows names and single-offset
 * VTIMEZONEs of Indonesian offsets are mapped); UTC and floating times go to `defaultTimeZone`.
 */
export function importIcs(textIn: string, options: IcsImportOptions = {}): Operation[] {
  if (typeof textIn !== 'string' || textIn.trim() === '') throw new IcsImportError('ics_empty', 'The file is empty');
  const defaultZone = options.defaultTimeZone ?? 'Asia/Jakarta';
  if (!isValidTimeZone(defaultZone)) throw new IcsImportError('ics_unknown_time_zone', `Unknown default zone ${defaultZone}`);
  // Check every RRULE before ical.js reads them, so a bad rule is reported as such (not as a parse error).
  const unfolded = textIn.replace(/\r?\n[ \t]/g, '');
  // ical.js tolerates mismatched BEGIN/END names; a damaged structure must not import half a file.
  const stack: string[] = [];
  const lines = unfolded.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^(BEGIN|END):(.*)$/i.exec(lines[i]!.trimEnd());
    if (!m) continue;
    const name = m[2]!.toUpperCase();
    if (m[1]!.toUpperCase() === 'BEGIN') stack.push(name);
    else if (stack.pop() !== name) {
      throw new IcsImportError('ics_parse_error', `Line ${i + 1}: END:${name} does not close the open component`);
    }
  }
  if (stack.length) throw new IcsImportError('ics_parse_error', `BEGIN:${stack[stack.length - 1]} is never closed`);
  for (const m of unfolded.matchAll(/^RRULE(?:;[^:\r\n]*)?:([^\r\n]*)$/gim)) {
    try {
      parseRrule(m[1] ?? '');
    } catch (err) {
      const part = err instanceof RecurrenceError && err.part ? ` (${err.part})` : '';
      throw new IcsImportError('ics_invalid_rrule', `Unreadable RRULE "${m[1] ?? ''}"${part}`, { property: 'RRULE' });
    }
  }
  let root: ICAL.Component;
  try {
    const parsed = ICAL.parse(textIn.replace(/^\uFEFF/, ''));
    if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('no component');
    const top = Array.isArray(parsed[0]) ? parsed : [parsed];
    if (top.length !== 1) throw new IcsImportError('ics_not_calendar', 'Expected exactly one VCALENDAR');
    root = new ICAL.Component(top[0] as unknown as string);
  } catch (err) {
    if (err instanceof IcsImportError) throw err;
    throw new IcsImportError('ics_parse_error', `Not a readable iCalendar file: ${(err as Error).message}`);
  }
  if (root.name !== 'vcalendar') throw new IcsImportError('ics_not_calendar', `Top component is ${root.name.toUpperCase()}, not VCALENDAR`);

  const ctx: Ctx = { tzOffsets: new Map(), defaultZone };
  for (const tz of root.getAllSubcomponents('vtimezone')) {
    const id = text(tz, 'tzid');
    if (!id) continue;
    const offs: number[] = [];
    for (const obs of [...tz.getAllSubcomponents('standard'), ...tz.getAllSubcomponents('daylight')]) {
      const o = obs.getFirstPropertyValue('tzoffsetto');
      if (o instanceof ICAL.UtcOffset) offs.push(o.toSeconds() / 60);
    }
    ctx.tzOffsets.set(id, offs);
  }

  const events = root.getAllSubcomponents('vevent');
  const max = options.maxEvents ?? 50_000;
  if (events.length > max) throw new IcsImportError('ics_too_many_events', `More than ${max} events`);
  const now = (options.now ?? new Date()).toISOString();
  const masters = new Map<string, Operation>();
  const order: string[] = [];
  const pending: { uid: string; v: ICAL.Component }[] = [];

  for (const v of events) {
    const uid = text(v, 'uid');
    if (!uid) throw new IcsImportError('ics_missing_uid', 'An event has no UID', { property: 'UID' });
    if (v.getFirstProperty('recurrence-id')) {
      pending.push({ uid, v });
      continue;
    }
    if (masters.has(uid)) throw new IcsImportError('ics_duplicate_uid', `Two events share UID ${uid}`, { uid, property: 'UID' });
    masters.set(uid, readMaster(v, uid, ctx, options, now));
    order.push(uid);
  }

  for (const { uid, v } of pending) {
    const master = masters.get(uid);
    if (!master || !master.recurrence) {
      // An instance without its series (some exports share single occurrences): import it as its own operation.
      const rid = first(v.getFirstProperty('recurrence-id'), ctx, uid)!;
      const id = `${uid}@${rid.local}`;
      if (masters.has(id)) throw new IcsImportError('ics_duplicate_uid', `Two events share UID ${id}`, { uid, property: 'RECURRENCE-ID' });
      masters.set(id, readMaster(v, id, ctx, options, now));
      order.push(id);
      continue;
    }
    applyOverride(master, v, uid, ctx);
  }
  return order.map((id) => masters.get(id)!);
}

function readMaster(v: ICAL.Component, uid: string, ctx: Ctx, options: IcsImportOptions, now: string): Operation {
  const hinted = text(v, X.zone);
  const startT = first(v.getFirstProperty('dtstart'), ctx, uid, hinted && isValidTimeZone(hinted) ? hinted : undefined);
  if (!startT) throw new IcsImportError('ics_missing_start', `Event ${uid} has no DTSTART`, { uid, property: 'DTSTART' });
  const zone = startT.zone;
  let end: LocalDateTime;
  const endProp = v.getFirstProperty('dtend');
  if (endProp) {
    const e = first(endProp, ctx, uid, zone)!;
    end = e.zone === zone ? e.local : convertTo(e.local, e.zone, zone);
  } else {
    const dur = v.getFirstPropertyValue('duration');
    if (dur instanceof ICAL.Duration) end = addLocalMinutes(startT.local, Math.round(dur.toSeconds() / 60));
    else end = startT.isDate ? addLocalMinutes(startT.local, 24 * 60) : startT.local;
  }
  if (localToFloating(parseLocal(end)!) < localToFloating(parseLocal(startT.local)!)) {
    throw new IcsImportError('ics_end_before_start', `Event ${uid} ends before it starts`, { uid, property: 'DTEND' });
  }
  const kindX = text(v, X.kind);
  const categories = text(v, 'categories');
  const kind: OperationKind = (KINDS as readonly string[]).includes(kindX ?? '')
    ? (kindX as OperationKind)
    : (KINDS as readonly string[]).includes(categories ?? '')
      ? (categories as OperationKind)
      : (options.defaultKind ?? 'coordination_meeting');
  const agency = options.agencyId ?? 'unknown';
  const lead = text(v, X.lead) ?? agency;
  const location = json(v, X.location, uid, isLocation) ?? { name: text(v, 'location') ?? '' };
  const seq = v.getFirstPropertyValue('sequence');
  const op: Operation = {
    id: uid,
    sourceAgency: text(v, X.source) ?? agency,
    createdAt: isoOf(v, 'created') ?? isoOf(v, 'dtstamp') ?? now,
    updatedAt: isoOf(v, 'last-modified') ?? isoOf(v, 'dtstamp') ?? now,
    version: typeof seq === 'number' && seq > 0 ? seq : 1,
    kind,
    title: text(v, 'summary') ?? '',
    leadAgency: lead,
    participatingAgencies: json(v, X.agencies, uid, isStringArray) ?? [],
    team: json(v, X.team, uid, isTeam) ?? [],
    location,
    start: startT.local,
    end,
    timeZone: zone,
    status: statusFrom(v),
    recordIds: json(v, X.records, uid, isStringArray) ?? [],
  };
  const description = text(v, 'description');
  if (description !== undefined) op.description = description;
  const rrules = v.getAllProperties('rrule');
  if (rrules.length > 1) throw new IcsImportError('ics_invalid_rrule', `Event ${uid} has several RRULEs`, { uid, property: 'RRULE' });
  if (rrules.length === 1) {
    const jcal = rrules[0]!.toJSON() as unknown[];
    const rule = jcalToRrule(jcal[3]);
    try {
      parseRrule(rule);
    } catch (err) {
      const part = err instanceof RecurrenceError ? ` (${err.part ?? ''})` : '';
      throw new IcsImportError('ics_invalid_rrule', `Event ${uid} has an unreadable RRULE${part}`, { uid, property: 'RRULE' });
    }
    const exdates: LocalDateTime[] = [];
    for (const p of v.getAllProperties('exdate')) {
      for (const t of readTime(p, ctx, uid, zone)) exdates.push(t.zone === zone ? t.local : convertTo(t.local, t.zone, zone));
    }
    op.recurrence = { rrule: rule };
    if (exdates.length) op.recurrence.exdates = exdates;
  }
  return op;
}

function convertTo(local: LocalDateTime, from: string, to: string): LocalDateTime {
  return toLocal(toInstant(local, from), to);
}

function applyOverride(master: Operation, v: ICAL.Component, uid: string, ctx: Ctx): void {
  const zone = master.timeZone;
  const ridT = first(v.getFirstProperty('recurrence-id'), ctx, uid, zone)!;
  const rid = ridT.zone === zone ? ridT.local : convertTo(ridT.local, ridT.zone, zone);
  const o: OccurrenceOverride = {};
  const fieldsRaw = text(v, X.fields);
  const fields = fieldsRaw === undefined ? undefined : new Set(fieldsRaw.split(',').filter((f) => f !== '-'));
  const s = first(v.getFirstProperty('dtstart'), ctx, uid, zone);
  const e = first(v.getFirstProperty('dtend'), ctx, uid, zone);
  const sl = s ? (s.zone === zone ? s.local : convertTo(s.local, s.zone, zone)) : undefined;
  const el = e ? (e.zone === zone ? e.local : convertTo(e.local, e.zone, zone)) : undefined;
  const sp = parseLocal(master.start)!;
  const duration = (localToFloating(parseLocal(master.end)!) - localToFloating(sp)) / 60_000;
  if (sl && el && localToFloating(parseLocal(el)!) < localToFloating(parseLocal(sl)!)) {
    throw new IcsImportError('ics_end_before_start', `Occurrence ${rid} of ${uid} ends before it starts`, { uid, property: 'DTEND' });
  }
  const title = text(v, 'summary');
  const status = statusFrom(v);
  const loc = json(v, X.location, uid, isLocation);
  if (fields) {
    if (fields.has('start') && sl) o.start = sl;
    if (fields.has('end') && el) o.end = el;
    if (fields.has('title') && title !== undefined) o.title = title;
    if (fields.has('status')) o.status = status;
    if (fields.has('location')) o.location = loc ?? { name: text(v, 'location') ?? '' };
  } else {
    // From another calendar program: keep what differs from the series.
    if (sl && sl !== rid) o.start = sl;
    if (el && el !== addLocalMinutes(sl ?? rid, duration)) o.end = el;
    if (title !== undefined && title !== master.title) o.title = title;
    if (status !== master.status) o.status = status;
    const ltext = text(v, 'location');
    if (ltext !== undefined && ltext !== locationText(master.location)) o.location = { name: ltext };
  }
  const rec = master.recurrence!;
  rec.overrides = { ...(rec.overrides ?? {}), [rid]: o };
}
