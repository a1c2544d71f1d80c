/**
 * Validation of operations (joint operations, coordination meetings, inspections, outreach).
 * Returns codes, not prose; the calendar widget and the server localise them.
 * @module
 */
import { parseRrule, RecurrenceError } from '../calendar/rrule.ts';
import { isValidTimeZone } from '../calendar/zones.ts';
import { Checker, META_FIELDS } from './check.ts';
import { LIMITS, validateRegion } from './rules.ts';
import type { OperationKind, OperationStatus } from './types.ts';
import { isLocalDateTime, isPlainObject, type ValidationIssue } from './validation.ts';
import type { ValidateOptions } from './validate-record.ts';

/** Operation kinds, in display order. */
export const OPERATION_KINDS: readonly OperationKind[] = ['joint_operation', 'coordination_meeting', 'inspection', 'outreach'];
/** Operation statuses, in life-cycle order. */
export const OPERATION_STATUSES: readonly OperationStatus[] = ['planned', 'ongoing', 'done', 'cancelled'];

/** Limits specific to operations (code points / items). */
export const OPERATION_LIMITS = {
  /** Title, in code points. */
  title: 200,
  /** Description, in code points. */
  description: 5000,
  /** Location name, in code points. */
  locationName: 200,
  /** Participating agencies (array length). */
  agencies: 50,
  /** Team members (array length). */
  team: 200,
  /** A team member's name, in code points. */
  memberName: 200,
  /** A team member's role, in code points. */
  memberRole: 100,
  /** Linked foreigner records (array length). */
  recordIds: 5000,
  /** Cancelled occurrences of a recurring operation (array length). */
  exdates: 1000,
  /** Changed occurrences of a recurring operation (number of keys). */
  overrides: 1000,
  /** Longest single occurrence, in days. */
  durationDays: 31,
} as const;

/** Options of {@link validateOperation}: those of the record validator. */
export type ValidateOperationOptions = Pick<ValidateOptions, 'partial' | 'requireMeta' | 'reportUnknown'>;

const OPERATION_FIELDS = [
  ...META_FIELDS,
  'kind',
  'title',
  'description',
  'leadAgency',
  'participatingAgencies',
  'team',
  'location',
  'start',
  'end',
  'timeZone',
  'recurrence',
  'status',
  'recordIds',
] as const;

function localMs(v: string): number {
  return Date.parse(v.slice(0, 16) + ':00Z');
}

function local(c: Checker, obj: Record<string, unknown>, key: string, path: string, required: boolean): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required && !c.partial) c.add('required', path);
    return undefined;
  }
  if (typeof v !== 'string') {
    c.add('invalid_type', path, 'error', { expected: 'string' });
    return undefined;
  }
  if (v === '') {
    if (required) c.add('required', path);
    return undefined;
  }
  if (!isLocalDateTime(v)) {
    c.add('invalid_date', path);
    return undefined;
  }
  return v;
}

function order(c: Checker, start: string | undefined, end: string | undefined, path: string): void {
  if (start === undefined || end === undefined) return;
  const a = localMs(start);
  const b = localMs(end);
  if (b <= a) c.add('end_before_start', path, 'error', { after: path.replace(/end$/, 'start') });
  else if (b - a > OPERATION_LIMITS.durationDays * 86_400_000) {
    c.add('too_long', path, 'error', { maxDays: OPERATION_LIMITS.durationDays });
  }
}

function location(c: Checker, obj: Record<string, unknown>, key: string, path: string, required: boolean, reportUnknown: boolean): void {
  const loc = c.object(obj, key, path, required);
  if (!loc) return;
  c.string(loc, 'name', `${path}.name`, { required: true, max: OPERATION_LIMITS.locationName });
  c.string(loc, 'address', `${path}.address`, { max: LIMITS.address });
  const region = loc['region'];
  if (region !== undefined && region !== null) validateRegion(region, `${path}.region`, c.issues, c.partial);
  if (reportUnknown) c.unknownFields(loc, ['name', 'address', 'region'], path);
}

function ids(c: Checker, obj: Record<string, unknown>, key: string, max: number, required: boolean): string[] {
  const list = c.array(obj, key, key, required, max);
  const seen = new Set<string>();
  const out: string[] = [];
  list?.forEach((v, i) => {
    const holder = { v };
    const id = c.id(holder, 'v', `${key}.${i}`, true);
    if (id === undefined) return;
    if (seen.has(id)) c.add('duplicate', `${key}.${i}`);
    seen.add(id);
    out.push(id);
  });
  return out;
}

/**
 * Validates an operation.
 *
 * Rules (code, severity error unless said):
 * - shape: `invalid_type`; `required` for `kind`, `title`, `leadAgency`, `location.name`, `start`, `end`,
 *   `timeZone`, `status` (and `participatingAgencies`, `team`, `recordIds` arrays); `too_long` /
 *   `too_many` against {@link OPERATION_LIMITS}; `invalid_enum` for `kind`, `status`.
 * - identifiers: `invalid_id`; `duplicate` for an agency, team member or record listed twice.
 * - times: `invalid_date` for start, end, EXDATEs and override keys/times that are not `YYYY-MM-DDTHH:mm`;
 *   `invalid_time_zone` when `timeZone` is not an IANA zone known to the runtime; `end_before_start` when
 *   end is not after start (series and each override); `too_long` when one occurrence lasts more than
 *   {@link OPERATION_LIMITS.durationDays} days (`params.maxDays`).
 * - recurrence: `invalid_rrule` (`params.part` names the faulty RRULE part).
 * - `invalid_region` for the location region; `unknown_field` warnings.
 *
 * Never throws, whatever the input.
 */
export function validateOperation(input: unknown, options: ValidateOperationOptions = {}): ValidationIssue[] {
  const c = new Checker(options.partial ?? false);
  if (!isPlainObject(input)) {
    c.add('invalid_type', '', 'error', { expected: 'object' });
    return c.issues;
  }
  const reportUnknown = options.reportUnknown ?? true;
  c.meta(input, options.requireMeta ?? false);
  if (reportUnknown) c.unknownFields(input, OPERATION_FIELDS, '');

  c.enumValue(input, 'kind', 'kind', OPERATION_KINDS, true);
  c.string(input, 'title', 'title', { required: true, max: OPERATION_LIMITS.title });
  c.string(input, 'description', 'description', { max: OPERATION_LIMITS.description, allowEmpty: true });
  const lead = c.id(input, 'leadAgency', 'leadAgency', true);
  const agencies = ids(c, input, 'participatingAgencies', OPERATION_LIMITS.agencies, true);
  if (lead !== undefined) {
    const i = agencies.indexOf(lead);
    if (i >= 0) c.add('duplicate', `participatingAgencies.${i}`, 'warning', { of: 'leadAgency' });
  }

  const team = c.array(input, 'team', 'team', true, OPERATION_LIMITS.team);
  const memberIds = new Set<string>();
  team?.forEach((m, i) => {
    const path = `team.${i}`;
    if (!isPlainObject(m)) {
      c.add('invalid_type', path, 'error', { expected: 'object' });
      return;
    }
    const id = c.id(m, 'id', `${path}.id`, true);
    if (id !== undefined) {
      if (memberIds.has(id)) c.add('duplicate', `${path}.id`);
      memberIds.add(id);
    }
    c.string(m, 'name', `${path}.name`, { required: true, max: OPERATION_LIMITS.memberName });
    c.id(m, 'agencyId', `${path}.agencyId`, true);
    c.string(m, 'role', `${path}.role`, { max: OPERATION_LIMITS.memberRole });
    if (reportUnknown) c.unknownFields(m, ['id', 'name', 'agencyId', 'role'], path);
  });

  location(c, input, 'location', 'location', true, reportUnknown);

  const start = local(c, input, 'start', 'start', true);
  const end = local(c, input, 'end', 'end', true);
  order(c, start, end, 'end');

  const tz = input['timeZone'];
  if (tz === undefined || tz === null || tz === '') {
    if (!c.partial || tz === '') c.add('required', 'timeZone');
  } else if (typeof tz !== 'string') {
    c.add('invalid_type', 'timeZone', 'error', { expected: 'string' });
  } else if (!isValidTimeZone(tz)) {
    c.add('invalid_time_zone', 'timeZone');
  }

  c.enumValue(input, 'status', 'status', OPERATION_STATUSES, true);
  ids(c, input, 'recordIds', OPERATION_LIMITS.recordIds, true);

  const rec = c.object(input, 'recurrence', 'recurrence', false);
  if (rec) {
    const rrule = c.string(rec, 'rrule', 'recurrence.rrule', { required: true, max: 1000 });
    if (rrule !== undefined) {
      try {
        parseRrule(rrule);
      } catch (err) {
        const part = err instanceof RecurrenceError && err.part ? err.part : '';
        c.add('invalid_rrule', 'recurrence.rrule', 'error', part ? { part } : undefined);
      }
    }
    const ex = c.array(rec, 'exdates', 'recurrence.exdates', false, OPERATION_LIMITS.exdates);
    ex?.forEach((v, i) => local(c, { v }, 'v', `recurrence.exdates.${i}`, true));
    const ov = c.object(rec, 'overrides', 'recurrence.overrides', false);
    if (ov) {
      const keys = Object.keys(ov);
      if (keys.length > OPERATION_LIMITS.overrides) {
        c.add('too_many', 'recurrence.overrides', 'error', { max: OPERATION_LIMITS.overrides, length: keys.length });
      }
      for (const key of keys) {
        const path = `recurrence.overrides.${key}`;
        if (!isLocalDateTime(key)) c.add('invalid_date', path, 'error', { of: 'key' });
        const o = c.object(ov, key, path, true);
        if (!o) continue;
        const os = local(c, o, 'start', `${path}.start`, false);
        const oe = local(c, o, 'end', `${path}.end`, false);
        // Missing halves come from the series: the original slot's start, the series duration.
        if (os !== undefined || oe !== undefined) {
          const duration = start && end ? localMs(end) - localMs(start) : 0;
          const effStart = os ?? (isLocalDateTime(key) ? key : undefined);
          const effEnd = oe ?? (effStart ? new Date(localMs(effStart) + duration).toISOString().slice(0, 16) : undefined);
          order(c, effStart, effEnd, `${path}.end`);
        }
        c.string(o, 'title', `${path}.title`, { max: OPERATION_LIMITS.title });
        c.enumValue(o, 'status', `${path}.status`, OPERATION_STATUSES, false);
        location(c, o, 'location', `${path}.location`, false, reportUnknown);
        if (reportUnknown) c.unknownFields(o, ['start', 'end', 'title', 'status', 'location'], path);
      }
    }
    if (reportUnknown) c.unknownFields(rec, ['rrule', 'exdates', 'overrides'], 'recurrence');
  }
  return c.issues;
}
