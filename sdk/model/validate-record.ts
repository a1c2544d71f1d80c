/**
 * Runtime validation of {@link ForeignerRecord}s and {@link Agency}s from `unknown` input (form values,
 * IndexedDB rows, raw JSON on the server). Returns {@link ValidationIssue}s with stable codes and field paths.
 * @module
 */
import type { AgencyKind, DocumentType, FindingCategory, PermitType, RecordStatus, Sex } from './types.ts';
import { Checker, META_FIELDS } from './check.ts';
import { isKnownStateCode } from './countries.ts';
import {
  EARLIEST_BIRTH_DATE,
  EXPIRING_SOON_MONTHS,
  LIMITS,
  MRZ_LINE_PATTERN,
  PERMIT_EXPIRING_DAYS,
  PERMIT_NUMBER_PATTERN,
  POSTAL_CODE_PATTERN,
  RT_RW_PATTERN,
  VISA_INDEX_PATTERN,
  isCompanyIdNumber,
  isNik,
  isValidDocumentNumber,
  validateRegion,
} from './rules.ts';
import { addMonths, daysBetween, isEmail, isPhone, isPlainObject, isoDateIn, type ValidationIssue } from './validation.ts';

/** Allowed values, exported for forms (select options) and the server's schema. Sexes as in the MRZ: `M`, `F`, `X` (unspecified). */
export const SEXES: readonly Sex[] = ['M', 'F', 'X'];
/** Travel-document types: `passport`, `id_card`, `visa`, `other`. */
export const DOCUMENT_TYPES: readonly DocumentType[] = ['passport', 'id_card', 'visa', 'other'];
/** Stay-permit types: `ITK` (visit), `ITAS` (limited stay), `ITAP` (permanent stay). */
export const PERMIT_TYPES: readonly PermitType[] = ['ITK', 'ITAS', 'ITAP'];
/** Record statuses, in supervision order: from `draft` to `closed`. */
export const RECORD_STATUSES: readonly RecordStatus[] = ['draft', 'active', 'under_investigation', 'violation', 'deportation', 'closed'];
/** Categories of a finding, `compliant` first. */
export const FINDING_CATEGORIES: readonly FindingCategory[] = [
  'compliant',
  'permit_misuse',
  'overstay',
  'illegal_work',
  'no_document',
  'address_mismatch',
  'other',
];
/** Kinds of agency in a Timpora team (immigration, police, military, intelligence, manpower, ...). */
export const AGENCY_KINDS: readonly AgencyKind[] = [
  'immigration',
  'police',
  'military',
  'intelligence',
  'manpower',
  'kesbangpol',
  'bp2mi',
  'local_government',
  'other',
];

/** Options of {@link validateRecord} and {@link validateAgency}. */
export interface ValidateOptions {
  /** Reference instant for "in the future" / "expired" checks (default: now). Dates are read in `timeZone`. */
  now?: Date;
  /** Zone in which "today" is computed (default `Asia/Jakarta`, WIB). */
  timeZone?: string;
  /**
   * Partial input (a form being filled, a patch): absent fields are not reported as `required`;
   * fields that are present are fully checked. Empty strings in required fields are still `required`.
   */
  partial?: boolean;
  /**
   * Require the entity meta fields (`id`, `sourceAgency`, `createdAt`, `updatedAt`, `version`).
   * Default `false`: meta fields are checked only when present (a form value has none yet; the client fills
   * them before storing). The server and the store pass `true`.
   */
  requireMeta?: boolean;
  /** Report unknown properties as `unknown_field` warnings (default `true`). */
  reportUnknown?: boolean;
}

const RECORD_FIELDS = [
  ...META_FIELDS,
  'identity',
  'document',
  'permit',
  'sponsor',
  'address',
  'occupation',
  'arrival',
  'findings',
  'status',
  'notes',
  'restrictedNotes',
  'photo',
  'mrz',
] as const;

/**
 * Validates a foreigner record.
 *
 * Rules (code, severity):
 * - shape: `invalid_type` for non-objects and wrong JSON types; `required` for missing/empty required fields
 *   (`identity.surname`, `identity.sex`, `identity.birthDate`, `identity.nationality`, `document.type`,
 *   `document.issuingState`, `document.number`, `document.expiryDate`, `status`, `findings`; inside optional
 *   groups their own required fields); `too_long` against {@link LIMITS}; `invalid_enum` for enums.
 * - dates: `invalid_date` (not a real date, or birth before 1900); `date_in_future` for birth, issue, arrival,
 *   finding dates; `date_order` for birth ≤ issue < expiry, permit validFrom ≤ validUntil, birth ≤ arrival,
 *   birth ≤ permit start.
 * - countries: `invalid_country` for nationality / issuing state not in the ICAO list.
 * - `invalid_document_number` when the number does not fit the issuing state's pattern (see `rules.ts`).
 * - warnings: `document_expired` (overstay / no valid document risk), `document_expiring` (within
 *   {@link EXPIRING_SOON_MONTHS} months, `params.days`), `permit_expired` (overstay), `permit_expiring`
 *   (within {@link PERMIT_EXPIRING_DAYS} days), `permit_not_started`, `unknown_field`.
 * - formats: `invalid_region`, `invalid_email`, `invalid_phone`, `invalid_postal_code`, `invalid_nik`,
 *   `invalid_visa_index`, `invalid_permit_number`, `invalid_id`, `invalid_version`, `duplicate` (finding ids).
 *
 * Never throws, whatever the input.
 */
export function validateRecord(input: unknown, options: ValidateOptions = {}): ValidationIssue[] {
  const c = new Checker(options.partial ?? false);
  if (!isPlainObject(input)) {
    c.add('invalid_type', '', 'error', { expected: 'object' });
    return c.issues;
  }
  const today = isoDateIn(options.now ?? new Date(), options.timeZone);
  c.meta(input, options.requireMeta ?? false);
  if (options.reportUnknown ?? true) c.unknownFields(input, RECORD_FIELDS, '');

  // identity
  let birth: string | undefined;
  const identity = c.object(input, 'identity', 'identity', true);
  if (identity) {
    c.string(identity, 'surname', 'identity.surname', { required: true, max: LIMITS.name });
    c.string(identity, 'givenNames', 'identity.givenNames', { max: LIMITS.name, allowEmpty: true });
    c.enumValue(identity, 'sex', 'identity.sex', SEXES, true);
    birth = c.date(identity, 'birthDate', 'identity.birthDate', true);
    if (birth) {
      if (birth > today) {
        c.add('date_in_future', 'identity.birthDate');
        birth = undefined;
      } else if (birth < EARLIEST_BIRTH_DATE) {
        c.add('invalid_date', 'identity.birthDate', 'error', { min: EARLIEST_BIRTH_DATE });
        birth = undefined;
      }
    }
    c.string(identity, 'birthPlace', 'identity.birthPlace', { max: LIMITS.birthPlace });
    const nat = c.string(identity, 'nationality', 'identity.nationality', { required: true, max: 3 });
    if (nat !== undefined && !isKnownStateCode(nat)) c.add('invalid_country', 'identity.nationality');
    if (options.reportUnknown ?? true) c.unknownFields(identity, ['surname', 'givenNames', 'sex', 'birthDate', 'birthPlace', 'nationality'], 'identity');
  }

  // travel document
  const doc = c.object(input, 'document', 'document', true);
  if (doc) {
    const type = c.enumValue(doc, 'type', 'document.type', DOCUMENT_TYPES, true);
    const state = c.string(doc, 'issuingState', 'document.issuingState', { required: true, max: 3 });
    const stateOk = state !== undefined && isKnownStateCode(state);
    if (state !== undefined && !stateOk) c.add('invalid_country', 'document.issuingState');
    const num = c.string(doc, 'number', 'document.number', { required: true, max: LIMITS.documentNumber });
    if (num !== undefined && !isValidDocumentNumber(num, stateOk ? state : '', type ?? 'passport')) {
      c.add('invalid_document_number', 'document.number', 'error', stateOk ? { issuingState: state } : undefined);
    }
    let issued = c.date(doc, 'issueDate', 'document.issueDate', false);
    if (issued) {
      if (issued > today) {
        c.add('date_in_future', 'document.issueDate');
        issued = undefined;
      } else if (birth && issued < birth) {
        c.add('date_order', 'document.issueDate', 'error', { after: 'identity.birthDate' });
      }
    }
    const expiry = c.date(doc, 'expiryDate', 'document.expiryDate', true);
    if (expiry) {
      if (issued && expiry <= issued) c.add('date_order', 'document.expiryDate', 'error', { after: 'document.issueDate' });
      else if (birth && expiry <= birth) c.add('date_order', 'document.expiryDate', 'error', { after: 'identity.birthDate' });
      if (expiry < today) c.add('document_expired', 'document.expiryDate', 'warning', { days: daysBetween(expiry, today) });
      else if (expiry < addMonths(today, EXPIRING_SOON_MONTHS)) {
        c.add('document_expiring', 'document.expiryDate', 'warning', { days: daysBetween(today, expiry) });
      }
    }
    if (options.reportUnknown ?? true) c.unknownFields(doc, ['type', 'issuingState', 'number', 'issueDate', 'expiryDate'], 'document');
  }

  // permit
  const permit = c.object(input, 'permit', 'permit', false);
  if (permit) {
    c.enumValue(permit, 'type', 'permit.type', PERMIT_TYPES, true);
    c.string(permit, 'number', 'permit.number', {
      required: true,
      max: LIMITS.permitNumber,
      pattern: PERMIT_NUMBER_PATTERN,
      patternCode: 'invalid_permit_number',
    });
    const from = c.date(permit, 'validFrom', 'permit.validFrom', true);
    const until = c.date(permit, 'validUntil', 'permit.validUntil', true);
    if (from && birth && from < birth) c.add('date_order', 'permit.validFrom', 'error', { after: 'identity.birthDate' });
    if (from && until && until < from) c.add('date_order', 'permit.validUntil', 'error', { after: 'permit.validFrom' });
    if (until) {
      if (until < today) c.add('permit_expired', 'permit.validUntil', 'warning', { days: daysBetween(until, today) });
      else if (daysBetween(today, until) <= PERMIT_EXPIRING_DAYS) {
        c.add('permit_expiring', 'permit.validUntil', 'warning', { days: daysBetween(today, until) });
      }
    }
    if (from && from > today) c.add('permit_not_started', 'permit.validFrom', 'warning', { days: daysBetween(today, from) });
    c.string(permit, 'visaIndex', 'permit.visaIndex', { max: 6, pattern: VISA_INDEX_PATTERN, patternCode: 'invalid_visa_index' });
    c.string(permit, 'purpose', 'permit.purpose', { max: LIMITS.purpose });
    if (options.reportUnknown ?? true) c.unknownFields(permit, ['type', 'number', 'validFrom', 'validUntil', 'visaIndex', 'purpose'], 'permit');
  }

  // sponsor
  const sponsor = c.object(input, 'sponsor', 'sponsor', false);
  if (sponsor) {
    const kind = c.enumValue(sponsor, 'kind', 'sponsor.kind', ['person', 'company'] as const, true);
    c.string(sponsor, 'name', 'sponsor.name', { required: true, max: LIMITS.sponsorName });
    const idNumber = c.string(sponsor, 'idNumber', 'sponsor.idNumber', { max: LIMITS.sponsorIdNumber });
    if (idNumber !== undefined) {
      if (kind === 'person' && !isNik(idNumber)) c.add('invalid_nik', 'sponsor.idNumber');
      else if (kind === 'company' && !isCompanyIdNumber(idNumber)) c.add('invalid_format', 'sponsor.idNumber', 'error', { pattern: 'nib_npwp' });
    }
    const phone = c.string(sponsor, 'phone', 'sponsor.phone', { max: 30 });
    if (phone !== undefined && !isPhone(phone)) c.add('invalid_phone', 'sponsor.phone');
    const email = c.string(sponsor, 'email', 'sponsor.email', { max: 254 });
    if (email !== undefined && !isEmail(email)) c.add('invalid_email', 'sponsor.email');
    c.string(sponsor, 'address', 'sponsor.address', { max: LIMITS.address });
    if (options.reportUnknown ?? true) c.unknownFields(sponsor, ['kind', 'name', 'idNumber', 'phone', 'email', 'address'], 'sponsor');
  }

  // address in Indonesia
  const address = c.object(input, 'address', 'address', false);
  if (address) {
    c.string(address, 'street', 'address.street', { required: true, max: LIMITS.street });
    c.string(address, 'rt', 'address.rt', { pattern: RT_RW_PATTERN, patternName: 'rt_rw' });
    c.string(address, 'rw', 'address.rw', { pattern: RT_RW_PATTERN, patternName: 'rt_rw' });
    const region = address['region'];
    if (region === undefined || region === null) {
      if (!c.partial) c.add('required', 'address.region');
    } else validateRegion(region, 'address.region', c.issues, c.partial);
    c.string(address, 'postalCode', 'address.postalCode', { pattern: POSTAL_CODE_PATTERN, patternCode: 'invalid_postal_code' });
    if (options.reportUnknown ?? true) c.unknownFields(address, ['street', 'rt', 'rw', 'region', 'postalCode'], 'address');
  }

  // occupation
  const occ = c.object(input, 'occupation', 'occupation', false);
  if (occ) {
    c.string(occ, 'title', 'occupation.title', { max: LIMITS.occupation });
    c.string(occ, 'employer', 'occupation.employer', { max: LIMITS.occupation });
    c.string(occ, 'employerAddress', 'occupation.employerAddress', { max: LIMITS.address });
    c.string(occ, 'workPermitNumber', 'occupation.workPermitNumber', { max: LIMITS.permitNumber });
    if (options.reportUnknown ?? true) c.unknownFields(occ, ['title', 'employer', 'employerAddress', 'workPermitNumber'], 'occupation');
  }

  // arrival
  const arrival = c.object(input, 'arrival', 'arrival', false);
  if (arrival) {
    const date = c.date(arrival, 'date', 'arrival.date', true);
    if (date) {
      if (date > today) c.add('date_in_future', 'arrival.date');
      else if (birth && date < birth) c.add('date_order', 'arrival.date', 'error', { after: 'identity.birthDate' });
    }
    c.string(arrival, 'checkpoint', 'arrival.checkpoint', { required: true, max: LIMITS.checkpoint });
    if (options.reportUnknown ?? true) c.unknownFields(arrival, ['date', 'checkpoint'], 'arrival');
  }

  // findings
  const findings = c.array(input, 'findings', 'findings', true, LIMITS.findings);
  if (findings) {
    const seen = new Set<string>();
    findings.forEach((f, i) => {
      const p = `findings.${i}`;
      if (!isPlainObject(f)) {
        c.add('invalid_type', p, 'error', { expected: 'object' });
        return;
      }
      const fid = c.id(f, 'id', `${p}.id`, true);
      if (fid !== undefined) {
        if (seen.has(fid)) c.add('duplicate', `${p}.id`);
        seen.add(fid);
      }
      const d = c.date(f, 'date', `${p}.date`, true);
      if (d && d > today) c.add('date_in_future', `${p}.date`);
      c.id(f, 'agencyId', `${p}.agencyId`, true);
      c.enumValue(f, 'category', `${p}.category`, FINDING_CATEGORIES, true);
      c.string(f, 'description', `${p}.description`, { required: true, max: LIMITS.findingDescription });
      c.id(f, 'operationId', `${p}.operationId`, false);
      c.boolean(f, 'restricted', `${p}.restricted`);
      if (options.reportUnknown ?? true) c.unknownFields(f, ['id', 'date', 'agencyId', 'category', 'description', 'operationId', 'restricted'], p);
    });
  }

  c.enumValue(input, 'status', 'status', RECORD_STATUSES, true);
  c.string(input, 'notes', 'notes', { max: LIMITS.notes });
  c.string(input, 'restrictedNotes', 'restrictedNotes', { max: LIMITS.restrictedNotes });
  const photo = c.string(input, 'photo', 'photo', { max: LIMITS.photo });
  if (photo !== undefined && !/^data:image\/(?:jpeg|png|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(photo)) {
    c.add('invalid_format', 'photo', 'error', { pattern: 'data_url_image' });
  }

  // MRZ provenance
  const mrz = c.object(input, 'mrz', 'mrz', false);
  if (mrz) {
    for (const key of ['fields', 'edited'] as const) {
      const arr = c.array(mrz, key, `mrz.${key}`, true, LIMITS.mrzFieldPaths);
      arr?.forEach((v, i) => {
        if (typeof v !== 'string') c.add('invalid_type', `mrz.${key}.${i}`, 'error', { expected: 'string' });
        else if (v.length === 0 || v.length > LIMITS.fieldPath || !/^[A-Za-z0-9_.]+$/.test(v)) c.add('invalid_format', `mrz.${key}.${i}`, 'error', { pattern: 'field_path' });
      });
    }
    const lines = c.array(mrz, 'lines', 'mrz.lines', false, 3);
    lines?.forEach((v, i) => {
      if (typeof v !== 'string') c.add('invalid_type', `mrz.lines.${i}`, 'error', { expected: 'string' });
      else if (!MRZ_LINE_PATTERN.test(v)) c.add('invalid_format', `mrz.lines.${i}`, 'error', { pattern: 'mrz_line' });
    });
    c.dateTime(mrz, 'readAt', 'mrz.readAt', false);
    if (options.reportUnknown ?? true) c.unknownFields(mrz, ['fields', 'edited', 'lines', 'readAt'], 'mrz');
  }

  return c.issues;
}

const AGENCY_FIELDS = [...META_FIELDS, 'name', 'shortName', 'kind', 'region', 'parentId', 'contact'] as const;

/**
 * Validates an agency: `name` (required, ≤ {@link LIMITS.agencyName}), `shortName`, `kind` (enum), `region`
 * (Kemendagri code), `parentId` (identifier, not the agency itself: `invalid_id`), `contact.phone`,
 * `contact.email`, `contact.address`. Meta fields as in {@link validateRecord}. Never throws.
 */
export function validateAgency(input: unknown, options: ValidateOptions = {}): ValidationIssue[] {
  const c = new Checker(options.partial ?? false);
  if (!isPlainObject(input)) {
    c.add('invalid_type', '', 'error', { expected: 'object' });
    return c.issues;
  }
  c.meta(input, options.requireMeta ?? false);
  if (options.reportUnknown ?? true) c.unknownFields(input, AGENCY_FIELDS, '');
  c.string(input, 'name', 'name', { required: true, max: LIMITS.agencyName });
  c.string(input, 'shortName', 'shortName', { max: LIMITS.agencyShortName });
  c.enumValue(input, 'kind', 'kind', AGENCY_KINDS, true);
  const region = input['region'];
  if (region !== undefined && region !== null) validateRegion(region, 'region', c.issues, c.partial);
  const parent = c.id(input, 'parentId', 'parentId', false);
  if (parent !== undefined && parent === input['id']) c.add('invalid_id', 'parentId', 'error', { reason: 'self' });
  const contact = c.object(input, 'contact', 'contact', false);
  if (contact) {
    const phone = c.string(contact, 'phone', 'contact.phone', { max: 30 });
    if (phone !== undefined && !isPhone(phone)) c.add('invalid_phone', 'contact.phone');
    const email = c.string(contact, 'email', 'contact.email', { max: 254 });
    if (email !== undefined && !isEmail(email)) c.add('invalid_email', 'contact.email');
    c.string(contact, 'address', 'contact.address', { max: LIMITS.address });
    if (options.reportUnknown ?? true) c.unknownFields(contact, ['phone', 'email', 'address'], 'contact');
  }
  return c.issues;
}
