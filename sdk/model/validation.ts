/**
 * Shared validation vocabulary: stable issue codes, the issue shape and small pure helpers.
 *
 * Validators in `sdk/model` never return prose. They return {@link ValidationIssue}s whose `code` is one of
 * {@link ValidationCode}; the UI localises the code (Bahasa Indonesia / English) and the server returns the same
 * codes in its problem responses. Codes are part of the public contract: add new ones, never rename.
 * @module
 */

/**
 * Stable validation codes.
 *
 * - `required`: missing or empty.
 * - `invalid_type`: wrong JSON type (e.g. number where a string was expected, not an object).
 * - `too_long` / `too_short`: length limit (`params.max` / `params.min`).
 * - `too_many`: array longer than allowed (`params.max`).
 * - `invalid_format`: string does not match its expected shape (`params.pattern` names the shape).
 * - `invalid_date`: not a real calendar date `YYYY-MM-DD` (or date-time).
 * - `date_in_future`: date that must be in the past is after `now` (birth, issue, arrival, finding).
 * - `date_order`: two dates in the wrong order (`params.after` names the field that must come first).
 * - `invalid_country`: not a known ICAO 9303 state/organisation code.
 * - `invalid_enum`: value outside the allowed set (`params.allowed` lists them, `|`-separated).
 * - `invalid_region`: Kemendagri region code malformed or its levels inconsistent.
 * - `invalid_document_number`: travel-document number does not fit its issuing state's pattern.
 * - `document_expired` (warning): travel document expired: overstay / no-valid-document risk.
 * - `document_expiring` (warning): document expires within {@link EXPIRING_SOON_MONTHS} months (`params.days`).
 * - `permit_expired` (warning): stay permit `validUntil` is in the past: overstay.
 * - `permit_expiring` (warning): stay permit ends within {@link PERMIT_EXPIRING_DAYS} days (`params.days`).
 * - `permit_not_started` (warning): stay permit `validFrom` is after `now`.
 * - `invalid_email`, `invalid_phone`, `invalid_postal_code`, `invalid_nik`, `invalid_visa_index`,
 *   `invalid_permit_number`: field-specific format checks.
 * - `invalid_id`: identifier empty or malformed.
 * - `invalid_version`: version not a non-negative integer.
 * - `duplicate`: duplicate entry in a list (e.g. two findings with one id, same agency twice).
 * - `unknown_field`: a property the model does not know (reported as warning, never an error).
 *
 * The calendar engineer adds operation codes (e.g. `end_before_start`, `invalid_time_zone`, `invalid_rrule`)
 * additively to this union.
 */
export type ValidationCode =
  | 'required'
  | 'invalid_type'
  | 'too_long'
  | 'too_short'
  | 'too_many'
  | 'invalid_format'
  | 'invalid_date'
  | 'date_in_future'
  | 'date_order'
  | 'invalid_country'
  | 'invalid_enum'
  | 'invalid_region'
  | 'invalid_document_number'
  | 'document_expired'
  | 'document_expiring'
  | 'permit_expired'
  | 'permit_expiring'
  | 'permit_not_started'
  | 'invalid_email'
  | 'invalid_phone'
  | 'invalid_postal_code'
  | 'invalid_nik'
  | 'invalid_visa_index'
  | 'invalid_permit_number'
  | 'invalid_id'
  | 'invalid_version'
  | 'duplicate'
  | 'unknown_field'
  // Operation codes (owned by sdk/model/validate-operation.ts; listed here so the union is complete).
  | 'end_before_start'
  | 'invalid_time_zone'
  | 'invalid_rrule';

/** Issue severity: `error` blocks saving; `warning` is shown but the entity may be saved. */
export type ValidationSeverity = 'error' | 'warning';

/** One problem found by a validator. No prose: localise {@link ValidationIssue.code}. */
export interface ValidationIssue {
  /** Stable code, see {@link ValidationCode}. */
  code: ValidationCode;
  /** Dotted field path from the entity root, array items by index: `document.expiryDate`, `findings.0.date`. Empty for the root. */
  path: string;
  /** `error` blocks saving; `warning` is advisory. */
  severity: ValidationSeverity;
  /** Values for the message, e.g. `{ max: 100 }`, `{ days: 42 }`, `{ after: 'document.issueDate' }`. */
  params?: Record<string, string | number>;
}

/** True when at least one issue is an error (warnings alone allow saving). */
export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** Only the errors. */
export function errorsOf(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.filter((i) => i.severity === 'error');
}

/** Only the warnings. */
export function warningsOf(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.filter((i) => i.severity === 'warning');
}

/** Issues at `path` or below it (`document` matches `document.number`). */
export function issuesAt(issues: readonly ValidationIssue[], path: string): ValidationIssue[] {
  return issues.filter((i) => i.path === path || i.path.startsWith(path + '.'));
}

/** Builds an issue (small convenience for validators). */
export function issue(
  code: ValidationCode,
  path: string,
  severity: ValidationSeverity = 'error',
  params?: Record<string, string | number>,
): ValidationIssue {
  return params ? { code, path, severity, params } : { code, path, severity };
}

/** Plain object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

function dateExists(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= (days[m - 1] ?? 0);
}

/** `YYYY-MM-DD` that exists in the proleptic Gregorian calendar (rejects `2023-02-29`, `2024-13-01`). */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  return dateExists(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Instant with explicit offset (`Z` or `±HH:MM`) whose date and time exist. */
export function isIsoDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return false;
  if (!dateExists(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6] ?? 0) <= 59;
}

/** Wall-clock `YYYY-MM-DDTHH:mm` (optionally `:ss`) without zone, date and time existing. */
export function isLocalDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = LOCAL_DATE_TIME.exec(value);
  if (!m) return false;
  if (!dateExists(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6] ?? 0) <= 59;
}

const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();

let lastDate: { t: number; zone: string; date: string } | undefined;

/**
 * The calendar date `YYYY-MM-DD` at the instant `now`, as read on a wall clock in `timeZone` (IANA name,
 * default `Asia/Jakarta`, WIB). Used for "today" in expiry and overstay rules, so 23:30 UTC is already the next
 * day in Jakarta. Throws `RangeError` for an unknown time zone.
 */
export function isoDateIn(now: Date, timeZone = 'Asia/Jakarta'): string {
  const t = now.getTime();
  if (lastDate && lastDate.t === t && lastDate.zone === timeZone) return lastDate.date;
  let f = DATE_FORMATS.get(timeZone);
  if (!f) {
    // Creating an Intl formatter is costly; one per zone is cached.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    DATE_FORMATS.set(timeZone, f);
  }
  const parts = f.formatToParts(now);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  lastDate = { t, zone: timeZone, date };
  return date;
}

/** Whole days from `a` to `b` (both `YYYY-MM-DD`), negative when `b` is before `a`. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86_400_000);
}

/** `YYYY-MM-DD` plus `months` calendar months (day clamped to the month's end). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  const nd = Math.min(d, last);
  return `${String(ny).padStart(4, '0')}-${String(nm).padStart(2, '0')}-${String(nd).padStart(2, '0')}`;
}

/**
 * Pragmatic e-mail check (HTML `input[type=email]` grammar): local part, `@`, dotted domain labels.
 * Max 254 characters.
 */
export function isEmail(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= 254 &&
    /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/.test(value)
  );
}

/**
 * Phone number: optional leading `+`, digits with spaces, dots, dashes or parentheses as separators,
 * 6 to 15 digits in all (E.164 maximum). Accepts Indonesian `0812-3456-7890`, `+62 21 1234567`, `(021) 500-123`.
 */
export function isPhone(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  if (!/^\+?[0-9 ().-]+$/.test(value)) return false;
  if (/\+/.test(value.slice(1))) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 6 && digits <= 15;
}

/** True for a string with at least one non-whitespace character. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

/** Length in Unicode code points (what people count), not UTF-16 units. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}
