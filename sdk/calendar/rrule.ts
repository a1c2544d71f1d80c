/**
 * RFC 5545 RRULE reading and checking without any dependency, so validators (`sdk/model`) and the server can
 * use it without loading ical.js.
 * @module
 */

/** Thrown when a recurrence rule cannot be read. */
export class RecurrenceError extends Error {
  /** Stable code. */
  readonly code = 'invalid_rrule' as const;
  /** Which part of the rule is wrong (e.g. `FREQ`, `BYDAY`), when known. */
  readonly part: string | undefined;
  constructor(message: string, part?: string) {
    super(message);
    this.name = 'RecurrenceError';
    this.part = part;
  }
}

const FREQS = new Set(['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']);
const DAY_RE = /^([+-]?(?:[1-9]|[1-4]\d|5[0-3]))?(MO|TU|WE|TH|FR|SA|SU)$/;
/** `UNTIL` value: DATE or DATE-TIME, optionally UTC. */
export const UNTIL_RE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/;

function intList(value: string, min: number, max: number, allowNegative: boolean): boolean {
  return value.split(',').every((v) => {
    if (!/^[+-]?\d{1,3}$/.test(v)) return false;
    const n = Number(v);
    if (n === 0 && min > 0) return false;
    if (n < 0) return allowNegative && -n >= min && -n <= max;
    return n >= min && n <= max;
  });
}

/** A rule split into its parts (upper-case keys). */
export type RruleParts = Readonly<Record<string, string>>;

/**
 * Checks an RRULE value (without the `RRULE:` prefix) against RFC 5545 section 3.3.10.
 * @returns the parts of the rule.
 * @throws RecurrenceError with the offending part.
 */
export function parseRrule(rrule: string): RruleParts {
  if (typeof rrule !== 'string' || rrule.trim() === '') throw new RecurrenceError('Empty rule', 'FREQ');
  const body = rrule.trim().replace(/^RRULE:/i, '');
  const parts: Record<string, string> = {};
  for (const chunk of body.split(';')) {
    const eq = chunk.indexOf('=');
    if (eq <= 0) throw new RecurrenceError(`Malformed part "${chunk}"`, chunk);
    const key = chunk.slice(0, eq).toUpperCase();
    const value = chunk.slice(eq + 1).toUpperCase();
    if (key in parts) throw new RecurrenceError(`Repeated part ${key}`, key);
    if (value === '') throw new RecurrenceError(`Empty value for ${key}`, key);
    parts[key] = value;
  }
  const freq = parts.FREQ;
  if (!freq || !FREQS.has(freq)) throw new RecurrenceError('FREQ missing or unknown', 'FREQ');
  for (const [key, value] of Object.entries(parts)) {
    let ok: boolean;
    switch (key) {
      case 'FREQ':
        ok = true;
        break;
      case 'INTERVAL':
        ok = /^\d{1,4}$/.test(value) && Number(value) > 0;
        break;
      case 'COUNT':
        ok = /^\d{1,5}$/.test(value) && Number(value) > 0;
        break;
      case 'UNTIL':
        ok = UNTIL_RE.test(value);
        break;
      case 'BYDAY':
        ok = value.split(',').every((d) => DAY_RE.test(d));
        break;
      case 'WKST':
        ok = /^(MO|TU|WE|TH|FR|SA|SU)$/.test(value);
        break;
      case 'BYMONTH':
        ok = intList(value, 1, 12, false);
        break;
      case 'BYMONTHDAY':
        ok = intList(value, 1, 31, true);
        break;
      case 'BYYEARDAY':
        ok = intList(value, 1, 366, true);
        break;
      case 'BYWEEKNO':
        ok = intList(value, 1, 53, true);
        break;
      case 'BYSETPOS':
        ok = intList(value, 1, 366, true);
        break;
      case 'BYHOUR':
        ok = /^\d{1,2}(,\d{1,2})*$/.test(value) && value.split(',').every((v) => Number(v) <= 23);
        break;
      case 'BYMINUTE':
      case 'BYSECOND':
        ok = /^\d{1,2}(,\d{1,2})*$/.test(value) && value.split(',').every((v) => Number(v) <= 59);
        break;
      default:
        ok = false;
    }
    if (!ok) throw new RecurrenceError(`Invalid ${key}=${value}`, key);
  }
  if (parts.COUNT && parts.UNTIL) throw new RecurrenceError('COUNT and UNTIL together', 'UNTIL');
  if (parts.BYSETPOS && !Object.keys(parts).some((k) => k.startsWith('BY') && k !== 'BYSETPOS')) {
    throw new RecurrenceError('BYSETPOS needs another BYxxx part', 'BYSETPOS');
  }
  return parts;
}

/** True when {@link parseRrule} accepts the rule. */
export function isValidRrule(rrule: unknown): boolean {
  try {
    parseRrule(rrule as string);
    return true;
  } catch {
    return false;
  }
}

