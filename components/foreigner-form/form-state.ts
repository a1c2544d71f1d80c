/**
 * The form's value pipeline, kept free of DOM so it can be tested in Node:
 * raw form state (strings exactly as typed, date parts, findings) <-> record input for `sdk/model`
 * validation and the store, plus MRZ prefill and edit tracking.
 *
 * Raw state is what drafts store: an impossible date such as 31/02/2024 or a country typed but not chosen
 * survives a reload unchanged, and the validator (the single source of rules) reports it.
 * @module
 */
import type { FindingCategory, ForeignerRecord, MrzProvenance } from '../../sdk/model/types.ts';
import type { MrzResult } from '../../sdk/mrz/types.ts';
import { normalizeDocumentNumber, normalizeStateCode } from '../../sdk/model/rules.ts';

/** Paths of single-value fields (text inputs, selects, radios, comboboxes). */
export const TEXT_PATHS = [
  'identity.surname',
  'identity.givenNames',
  'identity.sex',
  'identity.birthPlace',
  'identity.nationality',
  'document.type',
  'document.issuingState',
  'document.number',
  'permit.type',
  'permit.number',
  'permit.visaIndex',
  'permit.purpose',
  'sponsor.kind',
  'sponsor.name',
  'sponsor.idNumber',
  'sponsor.phone',
  'sponsor.email',
  'sponsor.address',
  'address.street',
  'address.rt',
  'address.rw',
  'address.region.province',
  'address.region.regency',
  'address.region.district',
  'address.region.village',
  'address.postalCode',
  'occupation.title',
  'occupation.employer',
  'occupation.employerAddress',
  'occupation.workPermitNumber',
  'arrival.checkpoint',
  'status',
  'notes',
] as const;
/** A single-value field path. */
export type TextPath = (typeof TEXT_PATHS)[number];

/** Paths of day/month/year date fields. */
export const DATE_PATHS = [
  'identity.birthDate',
  'document.issueDate',
  'document.expiryDate',
  'permit.validFrom',
  'permit.validUntil',
  'arrival.date',
] as const;
/** A date field path. */
export type DatePath = (typeof DATE_PATHS)[number];

/** Any field path the form renders. */
export type FieldPath = TextPath | DatePath;

/** Day, month and year exactly as typed. */
export interface DateParts {
  /** Day as typed (`'7'`, `'07'`, or empty). */
  day: string;
  /** Month number as typed (`'1'`-`'12'`, or empty). */
  month: string;
  /** Four-digit year as typed (or empty). */
  year: string;
}

/** A finding being edited. */
export interface FindingDraft {
  /** Id of the finding (kept when an existing one is edited, generated for a new one). */
  id: string;
  /** Date of the finding, as typed. */
  date: DateParts;
  /** Finding category (one of `FINDING_CATEGORIES`, or empty while not chosen). */
  category: string;
  /** What was found, free text. */
  description: string;
  /** Id of the agency that made the finding. */
  agencyId: string;
  /** Id of the operation during which it was made, if any. */
  operationId?: string;
  /** Visible only to roles allowed to read restricted information. */
  restricted?: boolean;
}

/** Meta fields of a record being edited (absent for a new record). */
export type RecordBase = Pick<ForeignerRecord, 'id' | 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version'> & {
  /** Restricted notes of the stored record, carried through unchanged (the form does not show them). */
  restrictedNotes?: string;
};

/** Everything the form holds; JSON-serialisable (drafts, form state restore). */
export interface FormState {
  /** Format version of this structure. */
  v: 1;
  /** Every single-value field, exactly as typed or chosen (empty string when blank). */
  text: Record<TextPath, string>;
  /** Every date field as day/month/year parts, exactly as typed. */
  dates: Record<DatePath, DateParts>;
  /** Findings being edited, in display order. */
  findings: FindingDraft[];
  /** JPEG data URL or empty. */
  photo: string;
  /** Which fields came from an MRZ read (and the raw lines), or null when nothing was scanned. */
  mrz: MrzProvenance | null;
  /** Meta fields of the record being edited; null for a new record. */
  base: RecordBase | null;
  /** Id a new record will be stored under (stable across failed saves and reloads). */
  pendingId: string;
}

/** Sections that are optional as a whole: included in the record only when one of their fields is filled. */
export const OPTIONAL_SECTIONS = ['permit', 'sponsor', 'address', 'occupation', 'arrival'] as const;
export type OptionalSection = (typeof OPTIONAL_SECTIONS)[number];

const emptyDate = (): DateParts => ({ day: '', month: '', year: '' });

/** A fresh, empty state (document type passport, status active). */
export function emptyState(): FormState {
  const text = Object.fromEntries(TEXT_PATHS.map((p) => [p, ''])) as Record<TextPath, string>;
  text['document.type'] = 'passport';
  text['status'] = 'active';
  const dates = Object.fromEntries(DATE_PATHS.map((p) => [p, emptyDate()])) as Record<DatePath, DateParts>;
  return { v: 1, text, dates, findings: [], photo: '', mrz: null, base: null, pendingId: crypto.randomUUID() };
}

/** True for the paths of date fields. */
export function isDatePath(path: string): path is DatePath {
  return (DATE_PATHS as readonly string[]).includes(path);
}

/** True for the paths of single-value fields. */
export function isTextPath(path: string): path is TextPath {
  return (TEXT_PATHS as readonly string[]).includes(path);
}

/**
 * Date parts to the string handed to the validator: `undefined` when all parts are empty, `YYYY-MM-DD`
 * when the parts are digits (day and month zero-padded, year as typed), otherwise the parts joined as they
 * are, which the validator reports as `invalid_date`.
 */
export function partsToIso(p: DateParts): string | undefined {
  const day = p.day.trim();
  const month = p.month.trim();
  const year = p.year.trim();
  if (!day && !month && !year) return undefined;
  const pad = (s: string): string => (/^\d$/.test(s) ? `0${s}` : s);
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** `2024-03-07` -> `{ day: '7', month: '3', year: '2024' }`; anything else -> empty parts. */
export function isoToParts(iso: string | null | undefined): DateParts {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  if (!m) return emptyDate();
  return { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1]! };
}

function sectionUsed(state: FormState, section: OptionalSection): boolean {
  const prefix = `${section}.`;
  return (
    TEXT_PATHS.some((p) => p.startsWith(prefix) && state.text[p].trim() !== '') ||
    DATE_PATHS.some((p) => p.startsWith(prefix) && partsToIso(state.dates[p]) !== undefined)
  );
}

/** Which optional sections currently hold data. */
export function usedSections(state: FormState): Set<OptionalSection> {
  return new Set(OPTIONAL_SECTIONS.filter((s) => sectionUsed(state, s)));
}

function put(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Normalisation applied on the way to the record (never to what is displayed). */
function normalise(path: TextPath, value: string): string {
  switch (path) {
    case 'document.number':
      return normalizeDocumentNumber(value);
    case 'identity.nationality':
    case 'document.issuingState':
      return normalizeStateCode(value);
    case 'permit.visaIndex':
    case 'permit.number':
      return value.toUpperCase();
    default:
      return value;
  }
}

/**
 * Builds the record input from the raw state: trimmed non-empty values only, optional sections only when
 * used, required sections (`identity`, `document`) always present so the validator reports what is missing.
 * The result is what `validateRecord` checks and, once free of errors, what the client stores.
 */
export function toRecordInput(state: FormState): Record<string, unknown> {
  const out: Record<string, unknown> = { identity: {}, document: {} };
  const used = usedSections(state);
  for (const path of TEXT_PATHS) {
    const section = path.split('.')[0] as string;
    if ((OPTIONAL_SECTIONS as readonly string[]).includes(section) && !used.has(section as OptionalSection)) continue;
    const raw = state.text[path].trim();
    if (raw === '') continue;
    put(out, path, normalise(path, raw));
  }
  for (const path of DATE_PATHS) {
    const section = path.split('.')[0] as string;
    if ((OPTIONAL_SECTIONS as readonly string[]).includes(section) && !used.has(section as OptionalSection)) continue;
    const iso = partsToIso(state.dates[path]);
    if (iso !== undefined) put(out, path, iso);
  }
  if (used.has('address') && out['address'] && !(out['address'] as Record<string, unknown>)['region']) {
    // Leave `region` absent: the validator reports `required` at `address.region`.
  }
  out['findings'] = state.findings.map((f) => {
    const item: Record<string, unknown> = { id: f.id, agencyId: f.agencyId, category: f.category, description: f.description.trim() };
    const iso = partsToIso(f.date);
    if (iso !== undefined) item['date'] = iso;
    if (!f.category) delete item['category'];
    if (!item['description']) delete item['description'];
    if (f.operationId) item['operationId'] = f.operationId;
    if (f.restricted !== undefined) item['restricted'] = f.restricted;
    return item;
  });
  if (state.photo) out['photo'] = state.photo;
  if (state.mrz) out['mrz'] = { ...state.mrz, fields: [...state.mrz.fields], edited: [...state.mrz.edited] };
  if (state.base) {
    const { restrictedNotes, ...meta } = state.base;
    Object.assign(out, meta);
    if (restrictedNotes !== undefined) out['restrictedNotes'] = restrictedNotes;
  }
  return out;
}

/** Loads an existing record into a fresh state (for editing). */
export function fromRecord(record: ForeignerRecord): FormState {
  const s = emptyState();
  const get = (path: string): unknown =>
    path.split('.').reduce<unknown>((node, k) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[k] : undefined), record);
  for (const path of TEXT_PATHS) {
    const v = get(path);
    if (typeof v === 'string') s.text[path] = v;
  }
  for (const path of DATE_PATHS) {
    const v = get(path);
    if (typeof v === 'string') s.dates[path] = isoToParts(v);
  }
  s.findings = record.findings.map((f) => ({
    id: f.id,
    date: isoToParts(f.date),
    category: f.category,
    description: f.description,
    agencyId: f.agencyId,
    ...(f.operationId ? { operationId: f.operationId } : {}),
    ...(f.restricted !== undefined ? { restricted: f.restricted } : {}),
  }));
  s.photo = record.photo ?? '';
  s.mrz = record.mrz ? { ...record.mrz, fields: [...record.mrz.fields], edited: [...record.mrz.edited] } : null;
  s.base = {
    id: record.id,
    sourceAgency: record.sourceAgency,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    version: record.version,
    ...(record.restrictedNotes !== undefined ? { restrictedNotes: record.restrictedNotes } : {}),
  };
  return s;
}

/**
 * Parses a stored state (draft, form state restore) defensively: unknown keys are dropped, wrong types
 * become empty, so a corrupted draft can never break the form. Returns `null` for non-state input.
 */
export function parseState(input: unknown): FormState | null {
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input) as unknown;
    } catch {
      return null;
    }
  }
  if (!input || typeof input !== 'object') return null;
  const o = input as Record<string, unknown>;
  if (o['v'] !== 1 || typeof o['text'] !== 'object' || o['text'] === null) return null;
  const s = emptyState();
  const text = o['text'] as Record<string, unknown>;
  for (const p of TEXT_PATHS) if (typeof text[p] === 'string') s.text[p] = text[p];
  const dates = (o['dates'] ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  for (const p of DATE_PATHS) {
    const d = dates[p] as Record<string, unknown> | undefined;
    if (d && typeof d === 'object') s.dates[p] = { day: str(d['day']), month: str(d['month']), year: str(d['year']) };
  }
  if (Array.isArray(o['findings'])) {
    s.findings = (o['findings'] as unknown[])
      .filter((f): f is Record<string, unknown> => !!f && typeof f === 'object')
      .map((f) => {
        const d = (f['date'] ?? {}) as Record<string, unknown>;
        return {
          id: str(f['id']) || crypto.randomUUID(),
          date: { day: str(d['day']), month: str(d['month']), year: str(d['year']) },
          category: str(f['category']),
          description: str(f['description']),
          agencyId: str(f['agencyId']),
          ...(typeof f['operationId'] === 'string' ? { operationId: f['operationId'] } : {}),
          ...(typeof f['restricted'] === 'boolean' ? { restricted: f['restricted'] } : {}),
        };
      });
  }
  s.photo = str(o['photo']);
  if (typeof o['pendingId'] === 'string' && o['pendingId']) s.pendingId = o['pendingId'];
  const mrz = o['mrz'] as Record<string, unknown> | null | undefined;
  if (mrz && typeof mrz === 'object' && Array.isArray(mrz['fields']) && Array.isArray(mrz['edited'])) {
    s.mrz = {
      fields: (mrz['fields'] as unknown[]).filter((x): x is string => typeof x === 'string'),
      edited: (mrz['edited'] as unknown[]).filter((x): x is string => typeof x === 'string'),
      ...(Array.isArray(mrz['lines']) ? { lines: (mrz['lines'] as unknown[]).filter((x): x is string => typeof x === 'string') } : {}),
      ...(typeof mrz['readAt'] === 'string' ? { readAt: mrz['readAt'] } : {}),
    };
  }
  const base = o['base'] as Record<string, unknown> | null | undefined;
  if (base && typeof base === 'object' && typeof base['id'] === 'string') {
    s.base = {
      id: base['id'],
      sourceAgency: str(base['sourceAgency']),
      createdAt: str(base['createdAt']),
      updatedAt: str(base['updatedAt']),
      version: typeof base['version'] === 'number' ? base['version'] : 0,
      ...(typeof base['restrictedNotes'] === 'string' ? { restrictedNotes: base['restrictedNotes'] } : {}),
    };
  }
  return s;
}

/** True when nothing has been entered (fresh state, defaults only). */
export function isPristine(state: FormState): boolean {
  const fresh = emptyState();
  return (
    TEXT_PATHS.every((p) => state.text[p] === fresh.text[p]) &&
    DATE_PATHS.every((p) => partsToIso(state.dates[p]) === undefined) &&
    state.findings.length === 0 &&
    !state.photo &&
    !state.mrz
  );
}

/** MRZ document code to the record's document type. */
export function documentTypeFromCode(code: string): 'passport' | 'id_card' | 'visa' | 'other' {
  const c = code.toUpperCase();
  if (c.startsWith('P')) return 'passport';
  if (c.startsWith('V')) return 'visa';
  if (c.startsWith('I') || c.startsWith('A') || c.startsWith('C')) return 'id_card';
  return 'other';
}

/**
 * Fills identity and document fields from an MRZ read. Returns the new state and the paths filled.
 * Fields the MRZ does not carry (or carries as invalid, e.g. a null date) are left untouched.
 * Provenance starts afresh: `fields` = filled paths, `edited` = [].
 */
export function applyMrz(state: FormState, result: MrzResult, readAt: Date): { state: FormState; filled: string[] } {
  const next: FormState = structuredClone(state);
  const f = result.fields;
  const filled: string[] = [];
  const setText = (path: TextPath, value: string): void => {
    if (!value) return;
    next.text[path] = value;
    filled.push(path);
  };
  const setDate = (path: DatePath, iso: string | null): void => {
    if (!iso) return;
    next.dates[path] = isoToParts(iso);
    filled.push(path);
  };
  setText('identity.surname', f.surname);
  setText('identity.givenNames', f.givenNames);
  setText('identity.sex', f.sex);
  setDate('identity.birthDate', f.birthDate);
  setText('identity.nationality', normalizeStateCode(f.nationality));
  setText('document.type', documentTypeFromCode(f.documentCode));
  setText('document.issuingState', normalizeStateCode(f.issuingState));
  setText('document.number', f.documentNumber);
  setDate('document.expiryDate', f.expiryDate);
  next.mrz = { fields: filled, edited: [], lines: [...result.lines], readAt: readAt.toISOString() };
  return { state: next, filled };
}

/**
 * Records a person's change to a field: if the path was filled from the MRZ, it is added to `mrz.edited`
 * (once; typing the MRZ value back does not remove it). Returns the same state object, mutated.
 */
export function recordEdit(state: FormState, path: FieldPath): FormState {
  if (!state.mrz || !state.mrz.fields.includes(path) || state.mrz.edited.includes(path)) return state;
  state.mrz = { ...state.mrz, edited: [...state.mrz.edited, path] };
  return state;
}

/** Valid finding categories, in display order. */
export type { FindingCategory };
