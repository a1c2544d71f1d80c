/**
 * Field rules shared by the record and agency validators (and usable by forms for as-you-type checks):
 * limits, identifier shapes, Kemendagri region codes, travel-document number patterns, normalisation.
 * Pure, no DOM.
 * @module
 */
import type { RegionCode } from './types.ts';
import { issue, isPlainObject, type ValidationIssue } from './validation.ts';
import { normalizeStateCode } from './countries.ts';

/** Re-exported from `countries.ts` (trailing MRZ fillers removed, upper case). */
export { normalizeStateCode };

/** Length limits in Unicode code points. Exported so forms can set `maxlength` from the same numbers. */
export const LIMITS = {
  /** Identifiers (`id`, finding ids, operation ids, agency ids). */
  id: 128,
  /** Surname / given names (documents carry at most 39 MRZ characters; the visual zone can be longer). */
  name: 200,
  /** Place of birth. */
  birthPlace: 200,
  /** Travel-document number (TD1 cards can carry long numbers in the optional field). */
  documentNumber: 22,
  /** Stay-permit (ITK/ITAS/ITAP) number. */
  permitNumber: 40,
  /** Purpose of stay. */
  purpose: 200,
  /** Name of the sponsor (guarantor) in Indonesia. */
  sponsorName: 200,
  /** Sponsor's identity number (NIK is 16 digits; company numbers can be longer). */
  sponsorIdNumber: 20,
  /** Address in Indonesia as one free-text field. */
  address: 500,
  /** Street line of a structured address. */
  street: 300,
  /** Occupation or position. */
  occupation: 200,
  /** Immigration checkpoint (TPI) of arrival, code or name. */
  checkpoint: 100,
  /** Description of one finding. */
  findingDescription: 5000,
  /** Findings per record. */
  findings: 500,
  /** Notes shared with every agency that can see the record. */
  notes: 20_000,
  /** Notes restricted to the source agency. */
  restrictedNotes: 20_000,
  /** Photo data URL length in characters (about 1.5 MB of JPEG). */
  photo: 2_000_000,
  /** Agency name. */
  agencyName: 200,
  /** Agency short name (shown in pickers and badges). */
  agencyShortName: 60,
  /** One MRZ line (TD3 lines are 44 characters, TD1 30, TD2 36). */
  mrzLine: 44,
  /** Number of field paths an MRZ read may list as filled or corrected (array length, not characters). */
  mrzFieldPaths: 100,
  /** One such field path (e.g. `identity.surname`). */
  fieldPath: 100,
} as const;

/** Documents expiring within this many months raise `document_expiring`. */
export const EXPIRING_SOON_MONTHS = 6;
/** Stay permits ending within this many days raise `permit_expiring`. */
export const PERMIT_EXPIRING_DAYS = 30;
/** Birth dates before this are rejected as `invalid_date` (typing error guard). */
export const EARLIEST_BIRTH_DATE = '1900-01-01';

/** Entity and agency identifiers: letters, digits, `.`, `_`, `:`, `-`; starting with a letter or digit. UUIDs fit. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

/** Kemendagri province codes (38 provinces, Kepmendagri 2022 onwards incl. the Papua splits 93 to 96). */
export const PROVINCE_CODES: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '16', '17', '18', '19', '21',
  '31', '32', '33', '34', '35', '36',
  '51', '52', '53',
  '61', '62', '63', '64', '65',
  '71', '72', '73', '74', '75', '76',
  '81', '82',
  '91', '92', '93', '94', '95', '96',
]);

const REGENCY = /^(\d{2})\.(\d{2})$/;
const DISTRICT = /^(\d{2}\.\d{2})\.(\d{2})$/;
const VILLAGE = /^(\d{2}\.\d{2}\.\d{2})\.([12]\d{3})$/;

/**
 * Validates a Kemendagri region code: `province` `31`, `regency` `31.71`, `district` `31.71.01`,
 * `village` `31.71.01.1001` (first village digit 1 = kelurahan, 2 = desa). Each level must extend its parent
 * and no level may be skipped. Reports `required`, `invalid_type`, `invalid_region` at `<path>.<level>`.
 * Existence of a regency/district/village in the current Kemendagri list is not checked here
 * (see `sdk/model/regions-data` for the lists).
 */
export function validateRegion(value: unknown, path: string, out: ValidationIssue[], partial = false): void {
  if (!isPlainObject(value)) {
    out.push(issue('invalid_type', path, 'error', { expected: 'object' }));
    return;
  }
  const levels = ['province', 'regency', 'district', 'village'] as const;
  for (const level of levels) {
    const v = value[level];
    if (v !== undefined && typeof v !== 'string') out.push(issue('invalid_type', `${path}.${level}`, 'error', { expected: 'string' }));
  }
  const str = (k: (typeof levels)[number]): string | undefined => {
    const v = value[k];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const province = str('province');
  const regency = str('regency');
  const district = str('district');
  const village = str('village');
  if (province === undefined) {
    if (!partial && value['province'] === undefined) out.push(issue('required', `${path}.province`));
    else if (value['province'] === '') out.push(issue('required', `${path}.province`));
  } else if (!/^\d{2}$/.test(province) || !PROVINCE_CODES.has(province)) {
    out.push(issue('invalid_region', `${path}.province`, 'error', { level: 'province' }));
  }
  if (regency !== undefined) {
    const m = REGENCY.exec(regency);
    if (!m) out.push(issue('invalid_region', `${path}.regency`, 'error', { level: 'regency' }));
    else if (province !== undefined && m[1] !== province) out.push(issue('invalid_region', `${path}.regency`, 'error', { level: 'regency', parent: `${path}.province` }));
  }
  if (district !== undefined) {
    const m = DISTRICT.exec(district);
    if (!m) out.push(issue('invalid_region', `${path}.district`, 'error', { level: 'district' }));
    else if (regency === undefined) out.push(issue('invalid_region', `${path}.district`, 'error', { level: 'district', parent: `${path}.regency` }));
    else if (m[1] !== regency) out.push(issue('invalid_region', `${path}.district`, 'error', { level: 'district', parent: `${path}.regency` }));
  }
  if (village !== undefined) {
    const m = VILLAGE.exec(village);
    if (!m) out.push(issue('invalid_region', `${path}.village`, 'error', { level: 'village' }));
    else if (district === undefined) out.push(issue('invalid_region', `${path}.village`, 'error', { level: 'village', parent: `${path}.district` }));
    else if (m[1] !== district) out.push(issue('invalid_region', `${path}.village`, 'error', { level: 'village', parent: `${path}.district` }));
  }
}

/**
 * Passport number patterns per issuing state, where the format is published or well established.
 * Applied to the normalised number (see {@link normalizeDocumentNumber}) of documents of type `passport`.
 * Other states and other document types use {@link GENERIC_PASSPORT_NUMBER} / {@link GENERIC_DOCUMENT_NUMBER}.
 */
export const PASSPORT_NUMBER_PATTERNS: Readonly<Record<string, RegExp>> = {
  /** Indonesia: one or two letters then 6 or 7 digits (e.g. `A1234567`, `X123456`, `AT123456`). */
  IDN: /^[A-Z]{1,2}\d{6,7}$/,
  /** United States: 9 digits, or a letter and 8 digits (Next Generation passport). */
  USA: /^(?:\d{9}|[A-Z]\d{8})$/,
  /** United Kingdom: 9 digits (older: 2 letters and 7 digits). */
  GBR: /^(?:\d{9}|[A-Z]{2}\d{7})$/,
  /** China: E/G/D/S/P series: letter then 8 digits, or 2 letters and 7 digits. */
  CHN: /^[EGDSP](?:\d{8}|[A-Z]\d{7})$/,
  /** Australia: 1 or 2 letters then 7 digits. */
  AUS: /^[A-Z]{1,2}\d{7}$/,
  /** Japan: 2 letters then 7 digits. */
  JPN: /^[A-Z]{2}\d{7}$/,
  /** Republic of Korea: letter + 8 digits, or letter + 3 digits + letter + 4 digits (since 2021). */
  KOR: /^[A-Z](?:\d{8}|\d{3}[A-Z]\d{4})$/,
  /** India: a letter then 7 digits. */
  IND: /^[A-Z]\d{7}$/,
  /** Malaysia: a letter then 8 digits. */
  MYS: /^[A-Z]\d{8}$/,
  /** Singapore: a letter, 7 digits, a letter. */
  SGP: /^[A-Z]\d{7}[A-Z]$/,
  /** Germany: 9 characters from the BSI alphabet (no vowels except in older series). */
  D: /^[CFGHJKLMNPRTVWXYZ0-9]{9}$/,
  /** France: 2 digits, 2 letters, 5 digits. */
  FRA: /^\d{2}[A-Z]{2}\d{5}$/,
  /** Netherlands: 2 letters, 6 letters or digits, 1 digit (no letter O). */
  NLD: /^[A-NP-Z]{2}[A-NP-Z0-9]{6}\d$/,
  /** Russian Federation (international passport): 9 digits. */
  RUS: /^\d{9}$/,
  /** Philippines: 1 or 2 letters, 6 or 7 digits, optional letter. */
  PHL: /^[A-Z]{1,2}\d{6,7}[A-Z]?$/,
  /** Thailand: 1 or 2 letters then 6 or 7 digits. */
  THA: /^[A-Z]{1,2}\d{6,7}$/,
  /** Viet Nam: a letter then 7 or 8 digits. */
  VNM: /^[A-Z]\d{7,8}$/,
};

/** Generic ICAO 9303 passport number (TD3 document number field: up to 9 characters). */
export const GENERIC_PASSPORT_NUMBER = /^[A-Z0-9]{1,9}$/;
/** Generic number for ID cards, visas and other documents (TD1 allows long numbers via the optional field). */
export const GENERIC_DOCUMENT_NUMBER = /^[A-Z0-9]{1,22}$/;

/**
 * Normalises a travel-document number for comparison and lookup: upper case, spaces, dashes, dots and MRZ
 * fillers (`<`) removed. `' a 123-4567 '` becomes `A1234567`.
 */
export function normalizeDocumentNumber(value: string): string {
  return value.toUpperCase().replace(/[\s.<-]/g, '');
}

/** True when `number` (raw; normalised here) fits the pattern for `issuingState` and document `type`. */
export function isValidDocumentNumber(number: string, issuingState: string, type: string = 'passport'): boolean {
  const n = normalizeDocumentNumber(number);
  if (type === 'passport') {
    const specific = PASSPORT_NUMBER_PATTERNS[normalizeStateCode(issuingState)];
    return (specific ?? GENERIC_PASSPORT_NUMBER).test(n);
  }
  return GENERIC_DOCUMENT_NUMBER.test(n);
}

/** Indonesian NIK: 16 digits, the first two a province code, the birth day (+40 for women) in 7..8. */
export function isNik(value: string): boolean {
  if (!/^\d{16}$/.test(value)) return false;
  if (!PROVINCE_CODES.has(value.slice(0, 2))) return false;
  const day = Number(value.slice(6, 8));
  const month = Number(value.slice(8, 10));
  return ((day >= 1 && day <= 31) || (day >= 41 && day <= 71)) && month >= 1 && month <= 12;
}

/** NIB (13 digits) or NPWP (15 or 16 digits), separators `.` and `-` allowed. */
export function isCompanyIdNumber(value: string): boolean {
  const digits = value.replace(/[.-]/g, '');
  return /^\d+$/.test(digits) && (digits.length === 13 || digits.length === 15 || digits.length === 16);
}

/** Indonesian visa index (indeks visa), e.g. `C312`, `E33G`, `B211A`, `D212`. */
export const VISA_INDEX_PATTERN = /^[A-Z]\d{1,3}[A-Z]{0,2}$/;
/** Stay-permit number: letters and digits with `.`, `/` or `-` separators, 3 to 40 characters. */
export const PERMIT_NUMBER_PATTERN = /^[A-Z0-9][A-Z0-9./-]{2,39}$/;
/** Indonesian postal code: five digits, not starting with 0. */
export const POSTAL_CODE_PATTERN = /^[1-9]\d{4}$/;
/** RT / RW numbers: one to three digits. */
export const RT_RW_PATTERN = /^\d{1,3}$/;
/** MRZ line characters. */
export const MRZ_LINE_PATTERN = /^[A-Z0-9<]{30,44}$/;

/** Region of a record's address as a single dotted code (the deepest level given), or undefined. */
export function deepestRegionCode(region: RegionCode | undefined): string | undefined {
  if (!region) return undefined;
  return region.village ?? region.district ?? region.regency ?? region.province;
}
