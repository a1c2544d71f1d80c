/**
 * RFC 5545 recurrence for operations: RRULE validation, expansion on the wall clock of the operation's zone
 * (so "every Monday 09:00 WITA" stays 09:00 WITA whatever the viewer's zone does), EXDATE removal and
 * per-occurrence overrides keyed by the original local start (RECURRENCE-ID).
 *
 * The rule iterator is ical.js's RecurIterator, fed floating times; zone conversion happens afterwards.
 * @module
 */
import ICAL from 'ical.js';
import type {
  LocalDateTime,
  Operation,
  OperationLocation,
  OperationStatus,
  Recurrence,
} from '../model/types.ts';
import { parseRrule, RecurrenceError, UNTIL_RE } from './rrule.ts';

export { RecurrenceError, parseRrule, isValidRrule, type RruleParts } from './rrule.ts';
import {
  formatLocal,
  floatingToLocal,
  localToFloating,
  parseLocal,
  toInstant,
  toLocalParts,
  type LocalParts,
} from './zones.ts';

/** One occurrence of an operation, after EXDATE and overrides; times in the operation's zone and as instants. */
export interface Occurrence {
  /** The operation (series master for recurring ones). */
  readonly operation: Operation;
  /** Stable key `${operation.id}` or `${operation.id}@${originalStart}` for recurring ones. */
  readonly key: string;
  /** Original local start (RECURRENCE-ID) for recurring ones; the start otherwise. */
  readonly originalStart: LocalDateTime;
  /** Effective local start and end in `operation.timeZone`. */
  readonly start: LocalDateTime;
  /** Effective local end in `operation.timeZone` (exclusive). */
  readonly end: LocalDateTime;
  /** Effective instants (epoch ms). */
  readonly startMs: number;
  /** Effective end instant (epoch ms, exclusive). */
  readonly endMs: number;
  /** Title of this occurrence (an override may change it). */
  readonly title: string;
  /** Status of this occurrence (an override may cancel one occurrence of a series). */
  readonly status: OperationStatus;
  /** Place of this occurrence (an override may move it). */
  readonly location: OperationLocation;
  /** True when part of a recurring series. */
  readonly recurring: boolean;
  /** True when an override changed this occurrence. */
  readonly overridden: boolean;
}

/** Options for {@link expandOperation}. */
export interface ExpandOptions {
  /** Safety cap on rule iterations per series (default 50,000). */
  maxIterations?: number;
}

function untilToFloating(until: string, zone: string): string {
  const m = UNTIL_RE.exec(until);
  if (!m) return until;
  if (!m[4]) return until; // DATE form stays as it is
  if (!m[7]) return until; // floating already
  // UTC UNTIL: read on the operation's wall clock so the floating iterator compares like with like.
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  const l = toLocalParts(ms, zone);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${String(l.year).padStart(4, '0')}${p2(l.month)}${p2(l.day)}T${p2(l.hour)}${p2(l.minute)}${m[6]}`;
}

function minutesBetween(a: LocalParts, b: LocalParts): number {
  return (localToFloating(b) - localToFloating(a)) / 60_000;
}

const ruleCache = new Map<string, ICAL.Recur>();

function icalRecur(rrule: string, zone: string): ICAL.Recur {
  const key = `${zone}|${rrule}`;
  let r = ruleCache.get(key);
  if (!r) {
    const parts = parseRrule(rrule);
    const body = Object.entries(parts)
      .map(([k, v]) => `${k}=${k === 'UNTIL' ? untilToFloating(v, zone) : v}`)
      .join(';');
    r = ICAL.Recur.fromString(body);
    if (ruleCache.size > 2000) ruleCache.clear();
    ruleCache.set(key, r);
  }
  return r;
}

/**
 * Original local starts of a recurring operation (before EXDATE and overrides), in order, up to the first one
 * whose start is after `untilFloating` (a floating epoch), or the count/until of the rule.
 */
export function ruleStarts(
  start: LocalDateTime,
  recurrence: Recurrence,
  zone: string,
  untilFloating: number,
  maxIterations = 50_000,
): LocalDateTime[] {
  const p = parseLocal(start);
  if (!p) throw new RecurrenceError(`Start is not a local date-time: ${start}`, 'DTSTART');
  const recur = icalRecur(recurrence.rrule, zone);
  const dtstart = ICAL.Time.fromData({ year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: 0, isDate: false });
  const it = recur.iterator(dtstart);
  const out: LocalDateTime[] = [];
  for (let i = 0; i < maxIterations; i++) {
    const next = it.next();
    if (!next) break;
    const lp: LocalParts = { year: next.year, month: next.month, day: next.day, hour: next.hour, minute: next.minute };
    if (localToFloating(lp) > untilFloating) break;
    out.push(formatLocal(lp));
  }
  return out;
}

function single(op: Operation, startMs: number, endMs: number): Occurrence {
  return {
    operation: op,
    key: op.id,
    originalStart: op.start,
    start: op.start,
    end: op.end,
    startMs,
    endMs,
    title: op.title,
    status: op.status,
    location: op.location,
    recurring: false,
    overridden: false,
  };
}

// Instants of an operation's own start/end, memoised per object (re-rendering a view re-expands every operation).
interface Instants {
  start: string;
  end: string;
  zone: string;
  startMs: number;
  endMs: number;
  sp: LocalParts;
  ep: LocalParts;
  single?: Occurrence;
}
const instants = new WeakMap<Operation, Instants | null>();

function instantsOf(op: Operation): Instants | null {
  const hit = instants.get(op);
  if (hit !== undefined && (hit === null || (hit.start === op.start && hit.end === op.end && hit.zone === op.timeZone))) return hit;
  const sp = parseLocal(op.start);
  const ep = parseLocal(op.end);
  let value: Instants | null = null;
  if (sp && ep) {
    try {
      value = { start: op.start, end: op.end, zone: op.timeZone, startMs: toInstant(sp, op.timeZone), endMs: toInstant(ep, op.timeZone), sp, ep };
    } catch {
      value = null;
    }
  }
  instants.set(op, value);
  return value;
}

/**
 * Occurrences of one operation that overlap `[fromMs, toMs)` (instants, epoch ms), in start order, with
 * exceptions (`exdates`) removed and overrides applied. Non-recurring operations give at most one. Invalid rules
 * or times give none rather than throwing (validate with `validateOperation` first).
 */
export function expandOperation(op: Operation, fromMs: number, toMs: number, options: ExpandOptions = {}): Occurrence[] {
  const inst = instantsOf(op);
  if (!inst) return [];
  const { sp, ep, startMs, endMs } = inst;
  if (!op.recurrence) {
    if (!(startMs < toMs && Math.max(endMs, startMs + 1) > fromMs)) return [];
    const s = inst.single;
    if (s && s.title === op.title && s.status === op.status && s.location === op.location) return [s];
    inst.single = single(op, startMs, endMs);
    return [inst.single];
  }
  const rec = op.recurrence;
  const duration = minutesBetween(sp, ep);
  const overrides = rec.overrides ?? {};
  // Overrides can move an occurrence later or earlier than its rule slot; widen the window to catch them.
  let maxShift = 0;
  for (const [orig, o] of Object.entries(overrides)) {
    const op0 = parseLocal(orig);
    const np = o.start ? parseLocal(o.start) : undefined;
    if (op0 && np) maxShift = Math.max(maxShift, Math.abs(localToFloating(np) - localToFloating(op0)));
  }
  // The widest zone offset is 14 h; add a day of slack so the floating bound is never too tight.
  const untilFloating = toMs + 15 * 3_600_000 + maxShift + 86_400_000;
  let starts: LocalDateTime[];
  try {
    starts = ruleStarts(op.start, rec, op.timeZone, untilFloating, options.maxIterations);
  } catch {
    return [];
  }
  const ex = rec.exdates && rec.exdates.length ? new Set(rec.exdates.map((d) => d.slice(0, 16))) : undefined;
  const out: Occurrence[] = [];
  for (const original of starts) {
    if (ex?.has(original)) continue;
    const o = overrides[original];
    let s = original;
    let e: LocalDateTime;
    if (o?.start && parseLocal(o.start)) s = o.start;
    const spx = parseLocal(s)!;
    if (o?.end && parseLocal(o.end)) e = o.end;
    else e = formatLocal(floatingToLocal(localToFloating(spx) + duration * 60_000));
    const sMs = toInstant(spx, op.timeZone);
    const eMs = toInstant(e, op.timeZone);
    if (!(sMs < toMs && Math.max(eMs, sMs + 1) > fromMs)) continue;
    out.push({
      operation: op,
      key: `${op.id}@${original}`,
      originalStart: original,
      start: s,
      end: e,
      startMs: sMs,
      endMs: eMs,
      title: o?.title ?? op.title,
      status: o?.status ?? op.status,
      location: o?.location ?? op.location,
      recurring: true,
      overridden: o !== undefined,
    });
  }
  return out;
}

/** Occurrences of many operations overlapping `[fromMs, toMs)`, sorted by start then end then key. */
export function expandOperations(
  ops: readonly Operation[],
  fromMs: number,
  toMs: number,
  options: ExpandOptions = {},
): Occurrence[] {
  const out: Occurrence[] = [];
  for (const op of ops) {
    const list = expandOperation(op, fromMs, toMs, options);
    for (const o of list) out.push(o);
  }
  out.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return out;
}
