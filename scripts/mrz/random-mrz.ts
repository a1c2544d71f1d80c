/**
 * Seeded generator of random, VALID ICAO 9303 MRZ lines for every format (TD1, TD2, TD3, MRV-A,
 * MRV-B), with realistic names and states, including real-world quirks:
 * - Germany `D<<` as issuer and nationality, old German issuer `BDR`;
 * - non-ISO codes (`UNO`, `UNA`, `UNK`, `XXA`, `XXB`, `XXC`, `XXX`, `GBD`, `GBN`, `GBO`, `GBP`, `GBS`, `EUE`, `RKS`);
 * - TD1 document numbers longer than 9 characters continuing into the optional data (Belgian style);
 * - TD3 personal number all fillers with check digit `<` (or `0`);
 * - document numbers shorter than 9 characters padded with `<`;
 * - the ICAO specimen state `UTO` (only when `allowSpecimen` is set).
 *
 * The French national identity card of 1988-2021 (`FRA_ID`, not ICAO) only when asked for with
 * `format: 'FRA_ID'`: a random format is always one of the ICAO five, so seeds keep their documents.
 *
 * Used by fuzz tests, benchmarks and the synthetic image generator (scripts/mrz/synth.ts).
 * Deterministic: the same seed always gives the same MRZ.
 *
 * @example
 * ```ts
 * import { randomMrz } from './random-mrz.ts';
 * const { lines, format, fields } = randomMrz(42, { format: 'TD3' });
 * ```
 * CLI: `node --import tsx scripts/mrz/random-mrz.ts [--count N] [--seed S] [--format TD3]`
 * @module
 */
import { computeCheckDigit } from '../../sdk/mrz/checkdigit.ts';
import type { MrzFormat } from '../../sdk/mrz/types.ts';

/** A seeded pseudo-random source returning floats in [0, 1). */
export type Rng = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function createRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [min, max] inclusive. */
export function randInt(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** A random element of `items`. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** Fields of a generated MRZ (same meaning as `MrzFields` in sdk/mrz/types.ts). */
export interface RandomMrzFields {
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  nationality: string;
  surname: string;
  givenNames: string;
  sex: 'M' | 'F' | 'X';
  /** ISO date. */
  birthDate: string;
  /** ISO date. */
  expiryDate: string;
  optional1: string;
  optional2: string;
}

/** One generated MRZ. */
export interface RandomMrz {
  format: MrzFormat;
  lines: string[];
  fields: RandomMrzFields;
  /** Quirks that were applied (for test diagnostics). */
  quirks: string[];
}

/** Options of {@link randomMrz}. */
export interface RandomMrzOptions {
  /** Fixed format; random ICAO format (TD3 most frequent) when omitted, never `FRA_ID`. */
  format?: MrzFormat;
  /** Probability of applying quirks (non-ISO codes, German `D<<`, long TD1 numbers...). Default 0.25. */
  quirkRate?: number;
  /** Allow the ICAO specimen state `UTO`. Default false. */
  allowSpecimen?: boolean;
}

/** Everyday nationalities of foreigners in Indonesia, plus a broad spread (ISO alpha-3). */
const COMMON_STATES = [
  'CHN', 'AUS', 'USA', 'JPN', 'KOR', 'IND', 'MYS', 'SGP', 'NLD', 'GBR', 'FRA', 'RUS', 'PHL', 'THA', 'VNM',
  'TWN', 'HKG', 'CAN', 'NZL', 'ITA', 'ESP', 'CHE', 'SWE', 'NOR', 'DNK', 'FIN', 'BEL', 'AUT', 'POL', 'CZE',
  'UKR', 'TUR', 'SAU', 'ARE', 'EGY', 'PAK', 'BGD', 'LKA', 'NPL', 'MMR', 'KHM', 'LAO', 'TLS', 'PNG', 'BRA',
  'ARG', 'MEX', 'ZAF', 'NGA', 'KEN', 'IRN', 'IRQ', 'AFG', 'YEM', 'SOM', 'ISR', 'PRT', 'IRL', 'GRC', 'ROU',
  'HUN', 'BRN', 'QAT', 'OMN', 'KWT', 'JOR', 'MAR', 'TUN', 'DZA', 'ETH', 'GHA', 'CMR', 'COL', 'PER', 'CHL',
] as const;

/** ICAO codes that are not ISO 3166-1 alpha-3, but appear on real documents. */
const NON_ISO_STATES = [
  'UNO', 'UNA', 'UNK', 'XXA', 'XXB', 'XXC', 'XXX', 'GBD', 'GBN', 'GBO', 'GBP', 'GBS', 'EUE', 'RKS', 'XOM', 'XPO',
] as const;

const SURNAMES = [
  'WANG', 'LI', 'ZHANG', 'LIU', 'CHEN', 'NGUYEN', 'TRAN', 'KIM', 'PARK', 'LEE', 'TANAKA', 'SATO', 'SUZUKI',
  'SMITH', 'JONES', 'WILLIAMS', 'BROWN', 'TAYLOR', 'MUELLER', 'SCHMIDT', 'SCHNEIDER', 'DE<VRIES', 'VAN<DER<BERG',
  'JANSSEN', 'DUPONT', 'MARTIN', 'BERNARD', 'ROSSI', 'RUSSO', 'GARCIA', 'FERNANDEZ', 'GONZALEZ', 'RODRIGUEZ',
  'IVANOV', 'PETROVA', 'SMIRNOV', 'KOWALSKA', 'NOWAK', 'NOVAK', 'SHARMA', 'PATEL', 'SINGH', 'KUMAR', 'KHAN',
  'AL<FARSI', 'ABDULLAH', 'HASSAN', 'IBRAHIM', 'OKONKWO', 'MENSAH', 'SILVA', 'SANTOS', 'OLIVEIRA', 'YILMAZ',
  'KAYA', 'ANDERSSON', 'JOHANSSON', 'HANSEN', 'NIELSEN', 'VIRTANEN', 'O<BRIEN', 'MACDONALD', 'PAPADOPOULOS',
  'SOMCHAI', 'SRISAI', 'TAN', 'LIM', 'WONG', 'ONG', 'REYES', 'CRUZ', 'BAUTISTA', 'KOWALSKA<KWIATKOWSKA',
  'MONTGOMERY<WORTHINGTON<SMYTHE', 'ABDULRAHMAN<ALHASHEMI',
] as const;

const GIVEN_MALE = [
  'WEI', 'JUN', 'MINH<DUC', 'JI<HOON', 'HIROSHI', 'KENJI', 'JOHN', 'MICHAEL', 'DAVID', 'JAMES<ROBERT', 'THOMAS',
  'HANS<PETER', 'LUKAS', 'JAN', 'PIERRE', 'LUCA', 'MARCO', 'JOSE<LUIS', 'CARLOS', 'IVAN', 'SERGEI', 'PIOTR',
  'RAHUL', 'ARJUN', 'MUHAMMAD', 'AHMED', 'OMAR', 'CHUKWUEMEKA', 'KOFI', 'JOAO', 'MEHMET', 'ERIK', 'LARS',
  'MIKKO', 'SEAN', 'NIKOLAOS', 'SOMSAK', 'WEI<MING', 'JOSE', 'MIGUEL<ANGEL',
] as const;

const GIVEN_FEMALE = [
  'MEI<HUA', 'XIU<YING', 'THI<LAN', 'SO<YEON', 'YUKI', 'HANAKO', 'MARY', 'SARAH', 'EMMA', 'OLIVIA<GRACE',
  'ANNA<MARIA', 'SOPHIE', 'ANNEKE', 'CLAIRE', 'GIULIA', 'MARIA', 'CARMEN', 'OLGA', 'NATALIA', 'JOANNA',
  'PRIYA', 'ANJALI', 'FATIMA', 'AISHA', 'NGOZI', 'AMA', 'ANA<BEATRIZ', 'ELIF', 'INGRID', 'KAROLINA', 'AOIFE',
  'ELENI', 'SIRIPORN', 'LI<NA', 'MARIA<DEL<CARMEN',
] as const;

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';

function randChars(rng: Rng, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
  return s;
}

function pad(value: string, length: number): string {
  return value.length >= length ? value.slice(0, length) : value + '<'.repeat(length - value.length);
}

function cd(value: string): string {
  return String(computeCheckDigit(value));
}

function yymmdd(iso: string): string {
  return iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);
}

function randomDate(rng: Rng, fromYear: number, toYear: number): string {
  const y = randInt(rng, fromYear, toYear);
  const m = randInt(rng, 1, 12);
  const dim = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const d = randInt(rng, 1, dim);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Document number: mostly letter+digits patterns seen on passports, 9 or fewer characters. */
function randomDocNumber(rng: Rng, maxLen = 9): string {
  const r = rng();
  if (r < 0.35) return randChars(rng, LETTERS, 1) + randChars(rng, DIGITS, Math.min(8, maxLen - 1));
  if (r < 0.6) return randChars(rng, LETTERS, 2) + randChars(rng, DIGITS, Math.min(7, maxLen - 2));
  if (r < 0.8) return randChars(rng, DIGITS, 9);
  if (r < 0.9) return randChars(rng, LETTERS + DIGITS, 9);
  return randChars(rng, DIGITS + LETTERS, randInt(rng, 6, 8)); // shorter, padded with <
}

/** Builds the name field `SURNAME<<GIVEN<NAMES` truncated to `length`. */
function nameField(surname: string, given: string, length: number): string {
  const full = given ? `${surname}<<${given}` : surname;
  return pad(full, length);
}

function namesFromField(field: string): { surname: string; givenNames: string } {
  const trimmed = field.replace(/<+$/, '');
  const idx = trimmed.indexOf('<<');
  const surname = idx < 0 ? trimmed : trimmed.slice(0, idx);
  const given = idx < 0 ? '' : trimmed.slice(idx + 2);
  return {
    surname: surname.replace(/</g, ' ').trim(),
    givenNames: given.replace(/<+/g, ' ').trim(),
  };
}

const FRENCH_SURNAMES = [
  'MARTIN', 'BERNARD', 'DUBOIS', 'THOMAS', 'ROBERT', 'RICHARD', 'PETIT', 'DURAND', 'LEROY', 'MOREAU', 'SIMON',
  'LAURENT', 'LEFEBVRE', 'MICHEL', 'GARCIA', 'DAVID', 'BERTRAND', 'ROUX', 'VINCENT', 'FOURNIER', 'MOREL',
  'GIRARD', 'ANDRE', 'MERCIER', 'DUPONT', 'LAMBERT', 'BONNET', 'FRANCOIS', 'MARTINEZ', 'NGUYEN', 'DE<LA<FONTAINE',
  'LE<GALL', 'BEN<SAID', 'SAINT<CLAIR', 'GUILLAUME<DESCHAMPS', 'VAN<DER<MEULEN<BOUCHARD',
] as const;
const FRENCH_GIVEN_MALE = ['JEAN', 'PIERRE', 'MICHEL', 'NICOLAS', 'FRANCOIS', 'LUC', 'JULIEN', 'THIBAULT', 'KARIM', 'JEAN<LOUIS', 'MAXIMILIEN'] as const;
const FRENCH_GIVEN_FEMALE = ['MARIE', 'CORINNE', 'SOPHIE', 'CAMILLE', 'ELODIE', 'AMELIE', 'NATHALIE', 'FATOU', 'ANNE<SOPHIE', 'GENEVIEVE'] as const;

/**
 * French national identity card (1988-2021): line 1 `IDFRA` + surname (25) + administrative code
 * (6: department and office); line 2 card number (12: issue year and month, department, serial) +
 * check digit + given names (14, separated by `<<`) + birth date + check digit + sex + composite
 * check digit over both lines.
 */
function randomFrenchCard(rng: Rng): RandomMrz {
  const sex: 'M' | 'F' = rng() < 0.5 ? 'M' : 'F';
  const surname = pick(rng, FRENCH_SURNAMES);
  const givenList = sex === 'F' ? FRENCH_GIVEN_FEMALE : FRENCH_GIVEN_MALE;
  const given = [pick(rng, givenList), ...(rng() < 0.5 ? [pick(rng, givenList)] : [])].join('<<');
  const department = pick(rng, ['075', '069', '013', '033', '059', '092', '093', '006', '02A', '974']);
  const admin = rng() < 0.2 ? '' : department + randChars(rng, DIGITS, 3);
  const issued = randomDate(rng, 1988, 2021);
  const number = yymmdd(issued).slice(0, 4) + department + randChars(rng, DIGITS, 5);
  const birth = randomDate(rng, 1932, 2010);
  const line1 = 'IDFRA' + pad(surname, 25) + pad(admin, 6);
  const head = number + cd(number) + pad(given, 14) + yymmdd(birth) + cd(yymmdd(birth)) + sex;
  const lines = [line1, head + cd(line1 + head)];
  return {
    format: 'FRA_ID',
    lines,
    fields: {
      documentCode: 'ID',
      issuingState: 'FRA',
      documentNumber: number,
      nationality: 'FRA',
      surname: surname.replace(/</g, ' '),
      givenNames: pad(given, 14).replace(/<+$/, '').replace(/<+/g, ' '),
      sex,
      birthDate: birth,
      expiryDate: '',
      optional1: admin,
      optional2: '',
    },
    quirks: [],
  };
}

function pickFormat(rng: Rng): MrzFormat {
  const r = rng();
  if (r < 0.45) return 'TD3';
  if (r < 0.7) return 'TD1';
  if (r < 0.82) return 'TD2';
  if (r < 0.92) return 'MRVA';
  return 'MRVB';
}

/**
 * Generates one random valid MRZ. Deterministic for a given `seed` and `options`.
 */
export function randomMrz(seed: number | Rng, options: RandomMrzOptions = {}): RandomMrz {
  const rng = typeof seed === 'function' ? seed : createRng(seed);
  if (options.format === 'FRA_ID') return randomFrenchCard(rng);
  const format = options.format ?? pickFormat(rng);
  const quirkRate = options.quirkRate ?? 0.25;
  const quirks: string[] = [];
  const quirky = (): boolean => rng() < quirkRate;

  // States.
  let issuer: string = pick(rng, COMMON_STATES);
  let nationality: string = rng() < 0.85 ? issuer : pick(rng, COMMON_STATES);
  if (options.allowSpecimen && rng() < 0.1) {
    issuer = 'UTO';
    nationality = 'UTO';
    quirks.push('specimen');
  } else if (quirky()) {
    const q = rng();
    if (q < 0.4) {
      issuer = 'D';
      nationality = 'D';
      quirks.push('germany');
    } else if (q < 0.5) {
      issuer = 'BDR';
      nationality = 'D';
      quirks.push('bdr');
    } else {
      const code = pick(rng, NON_ISO_STATES);
      if (rng() < 0.5) nationality = code;
      else issuer = code;
      quirks.push(`non-iso:${code}`);
    }
  }
  const issuerField = pad(issuer, 3);
  const natField = pad(nationality, 3);

  // Person.
  const sexR = rng();
  const sex: 'M' | 'F' | 'X' = sexR < 0.48 ? 'M' : sexR < 0.96 ? 'F' : 'X';
  const surname = pick(rng, SURNAMES);
  const given = rng() < 0.03 ? '' : pick(rng, sex === 'F' ? GIVEN_FEMALE : sex === 'M' ? GIVEN_MALE : [...GIVEN_MALE, ...GIVEN_FEMALE]);
  const birth = randomDate(rng, 1932, 2023);
  const expiry = randomDate(rng, 2014, 2038);
  const sexCh = sex === 'X' ? '<' : sex;

  let lines: string[];
  let documentCode: string;
  let documentNumber = randomDocNumber(rng);
  let optional1 = '';
  let optional2 = '';

  if (format === 'TD3' || format === 'MRVA') {
    documentCode = format === 'MRVA' ? pick(rng, ['V', 'VI', 'VC', 'VB']) : pick(rng, ['P', 'P', 'P', 'PO', 'PD', 'PS']);
    const nameF = nameField(surname, given, 39);
    const line1 = pad(documentCode, 2) + issuerField + nameF;
    const docF = pad(documentNumber, 9);
    const head = docF + cd(docF) + natField + yymmdd(birth) + cd(yymmdd(birth)) + sexCh + yymmdd(expiry) + cd(yymmdd(expiry));
    if (format === 'TD3') {
      let personal: string;
      let personalCd: string;
      if (rng() < 0.5) {
        personal = '<'.repeat(14);
        personalCd = rng() < 0.7 ? '<' : '0';
        quirks.push('personal-empty');
      } else {
        personal = pad(randChars(rng, DIGITS, randInt(rng, 6, 14)), 14);
        personalCd = cd(personal);
      }
      optional2 = personal.replace(/<+$/, '');
      const body = head + personal + personalCd;
      const composite = cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
      lines = [line1, body + composite];
    } else {
      const optional = rng() < 0.6 ? '<'.repeat(16) : pad(randChars(rng, LETTERS + DIGITS, randInt(rng, 4, 16)), 16);
      optional2 = optional.replace(/<+$/, '');
      lines = [line1, head + optional];
    }
  } else if (format === 'TD2' || format === 'MRVB') {
    documentCode = format === 'MRVB' ? pick(rng, ['V', 'VC', 'VB']) : pick(rng, ['I', 'ID', 'IR', 'AC', 'C']);
    const line1 = pad(documentCode, 2) + issuerField + nameField(surname, given, 31);
    const docF = pad(documentNumber, 9);
    const head = docF + cd(docF) + natField + yymmdd(birth) + cd(yymmdd(birth)) + sexCh + yymmdd(expiry) + cd(yymmdd(expiry));
    if (format === 'TD2') {
      const optional = rng() < 0.6 ? '<'.repeat(7) : pad(randChars(rng, DIGITS + LETTERS, randInt(rng, 3, 7)), 7);
      optional2 = optional.replace(/<+$/, '');
      const body = head + optional;
      const composite = cd(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 35));
      lines = [line1, body + composite];
    } else {
      const optional = rng() < 0.6 ? '<'.repeat(8) : pad(randChars(rng, DIGITS + LETTERS, randInt(rng, 3, 8)), 8);
      optional2 = optional.replace(/<+$/, '');
      lines = [line1, head + optional];
    }
  } else {
    // TD1
    documentCode = pick(rng, ['I', 'ID', 'IR', 'AC', 'C', 'I']);
    let docPart: string;
    let opt1: string;
    if (quirky() && rng() < 0.5) {
      // Long document number (Belgian style): 12 characters, 9 in the number field, `<` at position 15,
      // the remaining 3 plus the check digit at the start of the optional data.
      documentNumber = randChars(rng, DIGITS, 12);
      docPart = documentNumber.slice(0, 9) + '<';
      const rest = documentNumber.slice(9) + cd(documentNumber);
      const extra = rng() < 0.5 ? '' : randChars(rng, DIGITS, randInt(rng, 1, 15 - rest.length - 1));
      opt1 = pad(rest + (extra ? '<' + extra : ''), 15);
      optional1 = extra;
      quirks.push('long-docnum');
    } else {
      const docF = pad(documentNumber, 9);
      docPart = docF + cd(docF);
      opt1 = rng() < 0.5 ? '<'.repeat(15) : pad(randChars(rng, DIGITS + LETTERS, randInt(rng, 3, 15)), 15);
      optional1 = opt1.replace(/<+$/, '');
    }
    const line1 = pad(documentCode, 2) + issuerField + docPart + opt1;
    const opt2 = rng() < 0.6 ? '<'.repeat(11) : pad(randChars(rng, DIGITS + LETTERS, randInt(rng, 2, 11)), 11);
    optional2 = opt2.replace(/<+$/, '');
    const l2head = yymmdd(birth) + cd(yymmdd(birth)) + sexCh + yymmdd(expiry) + cd(yymmdd(expiry)) + natField + opt2;
    const composite = cd(line1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29));
    const line3 = nameField(surname, given, 30);
    lines = [line1, l2head + composite, line3];
  }

  const nameLine = format === 'TD1' ? (lines[2] as string) : (lines[0] as string).slice(5);
  const names = namesFromField(nameLine);
  return {
    format,
    lines,
    fields: {
      documentCode,
      issuingState: issuer,
      documentNumber: documentNumber.replace(/<+$/, ''),
      nationality,
      surname: names.surname,
      givenNames: names.givenNames,
      sex,
      birthDate: birth,
      expiryDate: expiry,
      optional1,
      optional2,
    },
    quirks,
  };
}

// CLI
if (import.meta.url === `file://${process.argv[1]}` && process.argv[1]?.endsWith('random-mrz.ts')) {
  const args = process.argv.slice(2);
  const get = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const count = Number(get('--count') ?? 5);
  const seed = Number(get('--seed') ?? 1);
  const format = get('--format') as MrzFormat | undefined;
  for (let i = 0; i < count; i++) {
    const m = randomMrz(seed + i, format ? { format } : {});
    process.stdout.write(`${m.format}${m.quirks.length ? ' [' + m.quirks.join(',') + ']' : ''}\n${m.lines.join('\n')}\n\n`);
  }
}
