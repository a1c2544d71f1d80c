/**
 * The create/edit dialog's value pipeline: an {@link Operation} (and the occurrence being edited) to flat form
 * fields and back, plus the mapping from validation paths to field ids. No DOM.
 * @module
 */
import type { Occurrence } from '../../sdk/calendar/recurrence.ts';
import { addLocalMinutes, parseLocal } from '../../sdk/calendar/zones.ts';
import type {
  OccurrenceOverride,
  Operation,
  OperationKind,
  OperationLocation,
  OperationStatus,
  RegionCode,
  TeamMember,
} from '../../sdk/model/types.ts';

export type RecurrenceChoice = 'none' | 'daily' | 'weekly' | 'monthly' | 'custom';

/** Flat, string-valued form state (what the inputs hold). */
export interface DraftForm {
  kind: OperationKind;
  title: string;
  description: string;
  status: OperationStatus;
  leadAgency: string;
  agencies: string;
  team: TeamMember[];
  locationName: string;
  address: string;
  region: string;
  start: string;
  end: string;
  timeZone: string;
  recurrence: RecurrenceChoice;
  rrule: string;
  records: string;
  /** Editing one occurrence of a series (`occurrence`) or the series / a single operation (`series`). */
  scope: 'series' | 'occurrence';
}

/** What the dialog is editing. */
export interface DialogTarget {
  /** The stored operation, absent for a new one. */
  base?: Operation;
  /** The occurrence opened, for recurring operations. */
  occurrence?: Occurrence;
}

const PRESETS: Record<Exclude<RecurrenceChoice, 'custom' | 'none'>, string> = {
  daily: 'FREQ=DAILY',
  weekly: 'FREQ=WEEKLY',
  monthly: 'FREQ=MONTHLY',
};

/** Which simple choice an RRULE is (anything with more parts is `custom`). */
export function recurrenceChoice(rrule: string | undefined): RecurrenceChoice {
  if (!rrule) return 'none';
  for (const [k, v] of Object.entries(PRESETS)) if (rrule.toUpperCase() === v) return k as RecurrenceChoice;
  return 'custom';
}

/** The RRULE for a choice (custom keeps the typed rule). */
export function rruleFor(choice: RecurrenceChoice, typed: string): string | undefined {
  if (choice === 'none') return undefined;
  if (choice === 'custom') return typed.trim();
  return PRESETS[choice];
}

/** `31.71.01` -> `{ province: '31', regency: '31.71', district: '31.71.01' }`; empty -> undefined. */
export function parseRegion(code: string): RegionCode | undefined {
  const c = code.trim();
  if (!c) return undefined;
  const parts = c.split('.');
  const region: RegionCode = { province: parts[0] ?? '' };
  if (parts.length > 1) region.regency = parts.slice(0, 2).join('.');
  if (parts.length > 2) region.district = parts.slice(0, 3).join('.');
  if (parts.length > 3) region.village = parts.slice(0, 4).join('.');
  return region;
}

export function formatRegion(r: RegionCode | undefined): string {
  if (!r) return '';
  return r.village ?? r.district ?? r.regency ?? r.province ?? '';
}

const list = (s: string): string[] =>
  s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** An empty form for a new operation starting at `start` (local `YYYY-MM-DDTHH:mm`) in `zone`. */
export function emptyForm(start: string, end: string, zone: string, agency: string): DraftForm {
  return {
    kind: 'joint_operation',
    title: '',
    description: '',
    status: 'planned',
    leadAgency: agency,
    agencies: '',
    team: [],
    locationName: '',
    address: '',
    region: '',
    start,
    end,
    timeZone: zone,
    recurrence: 'none',
    rrule: '',
    records: '',
    scope: 'series',
  };
}

/** The form for an existing operation (occurrence values shown when one occurrence is opened). */
export function formFromOperation(op: Operation, occurrence?: Occurrence): DraftForm {
  const occ = occurrence && occurrence.recurring ? occurrence : undefined;
  const location = occ ? occ.location : op.location;
  return {
    kind: op.kind,
    title: occ ? occ.title : op.title,
    description: op.description ?? '',
    status: occ ? occ.status : op.status,
    leadAgency: op.leadAgency,
    agencies: op.participatingAgencies.join(', '),
    team: op.team.map((m) => ({ ...m })),
    locationName: location.name,
    address: location.address ?? '',
    region: formatRegion(location.region),
    start: (occ ? occ.start : op.start).slice(0, 16),
    end: (occ ? occ.end : op.end).slice(0, 16),
    timeZone: op.timeZone,
    recurrence: recurrenceChoice(op.recurrence?.rrule),
    rrule: op.recurrence?.rrule ?? '',
    records: op.recordIds.join(', '),
    scope: occ ? 'occurrence' : 'series',
  };
}

function locationFrom(form: DraftForm): OperationLocation {
  const loc: OperationLocation = { name: form.locationName.trim() };
  if (form.address.trim()) loc.address = form.address.trim();
  const region = parseRegion(form.region);
  if (region) loc.region = region;
  return loc;
}

const sameLocation = (a: OperationLocation, b: OperationLocation): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Metadata the element supplies for new operations and edits. */
export interface SaveMeta {
  now: string;
  newId: () => string;
  sourceAgency: string;
}

/**
 * Builds the operation to save from the form. In `occurrence` scope only the occurrence fields (start, end,
 * title, status, location) change, stored as an override of the series keyed by the original start.
 */
export function operationFromForm(form: DraftForm, target: DialogTarget, meta: SaveMeta): Operation {
  const base = target.base;
  if (base && form.scope === 'occurrence' && target.occurrence?.recurring && base.recurrence) {
    const occ = target.occurrence;
    // Normalised override: only what differs from the series slot (start + series duration).
    const o: OccurrenceOverride = {};
    const duration = (Date.parse(base.end.slice(0, 16) + ':00Z') - Date.parse(base.start.slice(0, 16) + ':00Z')) / 60_000;
    const loc = locationFrom(form);
    if (form.start !== occ.originalStart) o.start = form.start;
    if (!parseLocal(form.start) || form.end !== addLocalMinutes(form.start, duration)) o.end = form.end;
    if (form.title.trim() !== base.title) o.title = form.title.trim();
    if (form.status !== base.status) o.status = form.status;
    if (!sameLocation(loc, base.location)) o.location = loc;
    const overrides = { ...(base.recurrence.overrides ?? {}) };
    if (Object.keys(o).length) overrides[occ.originalStart] = o;
    else delete overrides[occ.originalStart];
    const recurrence = { ...base.recurrence };
    if (Object.keys(overrides).length) recurrence.overrides = overrides;
    else delete recurrence.overrides;
    return { ...base, recurrence, updatedAt: meta.now, version: base.version + 1 };
  }
  const op: Operation = {
    id: base?.id ?? meta.newId(),
    sourceAgency: base?.sourceAgency ?? meta.sourceAgency,
    createdAt: base?.createdAt ?? meta.now,
    updatedAt: meta.now,
    version: base ? base.version + 1 : 1,
    kind: form.kind,
    title: form.title.trim(),
    leadAgency: form.leadAgency.trim(),
    participatingAgencies: list(form.agencies),
    team: form.team.map((m) => {
      const out: TeamMember = { id: m.id, name: m.name.trim(), agencyId: m.agencyId.trim() };
      if (m.role && m.role.trim()) out.role = m.role.trim();
      return out;
    }),
    location: locationFrom(form),
    start: form.start,
    end: form.end,
    timeZone: form.timeZone,
    status: form.status,
    recordIds: list(form.records),
  };
  if (form.description.trim()) op.description = form.description;
  const rrule = rruleFor(form.recurrence, form.rrule);
  if (rrule !== undefined) {
    op.recurrence = { rrule };
    // A series whose start moved keeps no stale exceptions; an unchanged start keeps them.
    if (base?.recurrence && base.start === form.start) {
      if (base.recurrence.exdates?.length) op.recurrence.exdates = base.recurrence.exdates;
      if (base.recurrence.overrides && Object.keys(base.recurrence.overrides).length) op.recurrence.overrides = base.recurrence.overrides;
    }
  }
  return op;
}

/** Input id that shows the issue at a validation path. */
export function fieldIdFor(path: string): string {
  const [head, second, third] = path.split('.');
  switch (head) {
    case 'location':
      return second === 'region' ? 'f-region' : second === 'address' ? 'f-address' : 'f-location';
    case 'participatingAgencies':
      return 'f-agencies';
    case 'recordIds':
      return 'f-records';
    case 'team':
      return second === undefined ? 'f-team-add' : `f-team-${second}-${third === 'agencyId' ? 'agency' : third === 'role' ? 'role' : 'name'}`;
    case 'recurrence': {
      if (second === 'overrides') {
        const last = path.split('.').pop();
        return last === 'start' ? 'f-start' : last === 'title' ? 'f-title' : last === 'status' ? 'f-status' : last === 'end' ? 'f-end' : 'f-location';
      }
      return 'f-rrule';
    }
    case 'timeZone':
      return 'f-tz';
    case 'leadAgency':
      return 'f-lead';
    default:
      return `f-${head ?? 'title'}`;
  }
}
