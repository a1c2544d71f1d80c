/**
 * Parsing typed, pasted or OCR-read MRZ text into the engine's {@link MrzResult} shape, for TD1, TD2,
 * TD3, MRV-A and MRV-B.
 *
 * Rules (documented behaviour, covered by tests):
 * - Input: one string (lines separated by newlines; a single run of 90/88/72 characters is split by
 *   length) or an array of lines. Lines are trimmed, blank lines dropped, letters upper-cased.
 * - Structural problems throw {@link MrzParseError} with a stable `code` (`empty`,
 *   `invalid-characters`, `invalid-shape`); a text with the right shape always gives a result, with
 *   `valid: false` when something does not hold. Nothing else is thrown.
 * - `valid` requires: every check digit passes; issuer and nationality are known codes (ISO, ICAO
 *   non-ISO such as `D`, `UNO`, `XXA`, the legacy codes in sdk/model/countries.ts, and the specimen
 *   state `UTO` unless `allowSpecimen: false`); dates are possible calendar dates (unknown parts
 *   written as `<` or `00` are allowed and give `null`); sex is `M`, `F`, `<` (or `X`); the document
 *   code starts with the letter of its format (`P`, `V`, or `A`/`C`/`I`); names hold letters only.
 * - For TD1/TD2/TD3 the verdicts are cross-checked with the `mrz` npm package: a check digit counts
 *   as passed only when both implementations agree it passes. (The camera path, correct.ts, skips
 *   the package for speed; tests keep the two implementations in agreement.)
 * - Specimens: `allowSpecimen` defaults to true, because a reader reports whether it read the
 *   document correctly, not whether the document is genuine; record validation in sdk/model
 *   rejects `UTO` for real records.
 * - Dates: birth dates are never in the future relative to `now` (YY -> 20YY when that is not after
 *   `now`, else 19YY); expiry dates may lie up to 20 years after `now`'s year, otherwise 19YY.
 * - Names: `<<` separates surname from given names; single `<` become spaces. Optional data: fillers
 *   trimmed at both ends, inner fillers become spaces (`211271<426U` -> `211271 426U`).
 * - TD1 document numbers longer than 9 characters (position 15 is `<`) continue in the optional
 *   data up to the next filler; the last of those characters is the check digit over the whole
 *   number, and `optional1` holds only what follows.
 * - Parsing typed text gives `confidence: 1` and no corrections.
 * @module
 */
import { parse as mrzPackageParse } from 'mrz';
import { isKnownStateCode } from '../model/countries.ts';
import { verifyCheckDigit } from './checkdigit.ts';
import { detectFormat, LAYOUTS, type MrzLayout } from './formats.ts';
import type { CheckDigitName, MrzFields, MrzFormat, MrzResult } from './types.ts';

/** Stable error codes of {@link MrzParseError}. */
export type MrzParseErrorCode =
  /** No text at all. */
  | 'empty'
  /** A character outside `A-Z0-9<`. */
  | 'invalid-characters'
  /** Line count or lengths match no ICAO format (3x30, 2x36, 2x44). */
  | 'invalid-shape';

/** Thrown by {@link parseMrz} when the text cannot be an MRZ at all. */
export class MrzParseError extends Error {
  override readonly name = 'MrzParseError';
  constructor(
    readonly code: MrzParseErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link parseMrz}. */
export interface MrzParseOptions {
  /** Accept the ICAO specimen state `UTO` as a known code (default true). */
  allowSpecimen?: boolean;
  /** Reference date for century resolution (default: the current date). */
  now?: Date;
}

/** Options of the internal interpreter shared with correct.ts. */
export interface MrzInterpretOptions extends MrzParseOptions {
  confidence?: number;
  corrections?: readonly (readonly [number, number])[];
  /** Extra condition for `valid` (e.g. confidence threshold, unambiguous correction). */
  extraValid?: boolean;
  /**
   * Cross-check TD1/TD2/TD3 check digits with the `mrz` package (default true). The package costs
   * about 1.4 ms per call, so the per-frame correction path turns it off; fuzz tests keep both
   * implementations in agreement.
   */
  crossCheck?: boolean;
}

const LINE_RE = /^[A-Z0-9<]+$/;

/** Splits and cleans the input; throws MrzParseError on bad characters or shape. */
export function normalizeMrzInput(input: string | readonly string[]): string[] {
  let lines: string[];
  if (typeof input === 'string') lines = input.split(/\r\n|\r|\n/);
  else lines = [...input].flatMap((l) => String(l).split(/\r\n|\r|\n/));
  lines = lines.map((l) => l.trim().toUpperCase()).filter((l) => l.length > 0);
  if (lines.length === 0) throw new MrzParseError('empty', 'No MRZ text.');
  if (lines.length === 1) {
    const one = lines[0] as string;
    const len = one.length === 90 ? 30 : one.length === 88 ? 44 : one.length === 72 ? 36 : 0;
    if (len) lines = one.match(new RegExp(`.{${len}}`, 'g')) ?? lines;
  }
  for (const l of lines) {
    if (!LINE_RE.test(l)) throw new MrzParseError('invalid-characters', 'MRZ lines may only contain A-Z, 0-9 and <.');
  }
  const len0 = (lines[0] as string).length;
  if (!lines.every((l) => l.length === len0) || !detectFormat(lines.length, len0, (lines[0] as string)[0] ?? '')) {
    throw new MrzParseError('invalid-shape', `MRZ must be 3x30, 2x36 or 2x44 characters (got ${lines.length} line(s) of ${lines.map((l) => l.length).join('/')}).`);
  }
  return lines;
}

/**
 * Parses an MRZ. Throws {@link MrzParseError} when the text has the wrong characters or shape;
 * otherwise returns a result (check `valid`).
 *
 * @example
 * ```ts
 * const r = parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10']);
 * r.valid; // true
 * r.fields.birthDate; // '1974-08-12'
 * ```
 */
export function parseMrz(lines: string | readonly string[], options: MrzParseOptions = {}): MrzResult {
  const clean = normalizeMrzInput(lines);
  const format = detectFormat(clean.length, (clean[0] as string).length, (clean[0] as string)[0] ?? '') as MrzFormat;
  return interpretMrz(format, clean, options);
}

/** Like {@link parseMrz} but never throws: `{ ok: false, error }` for structural problems. */
export function safeParseMrz(
  lines: string | readonly string[],
  options: MrzParseOptions = {},
): { ok: true; result: MrzResult } | { ok: false; error: MrzParseError } {
  try {
    return { ok: true, result: parseMrz(lines, options) };
  } catch (e) {
    if (e instanceof MrzParseError) return { ok: false, error: e };
    return { ok: false, error: new MrzParseError('invalid-characters', 'Not MRZ text.') };
  }
}

// ---------------------------------------------------------------------------------------------

function cut(lines: readonly string[], line: number, start: number, end: number): string {
  return (lines[line] ?? '').slice(start, end);
}

/** Trims fillers at both ends; inner fillers become spaces. */
function cleanOptional(v: string): string {
  return v.replace(/^<+|<+$/g, '').replace(/</g, ' ');
}

function splitName(field: string): { surname: string; givenNames: string } {
  const trimmed = field.replace(/<+$/, '');
  const idx = trimmed.indexOf('<<');
  const surname = idx < 0 ? trimmed : trimmed.slice(0, idx);
  const given = idx < 0 ? '' : trimmed.slice(idx + 2);
  return {
    surname: surname.replace(/</g, ' ').replace(/\s+/g, ' ').trim(),
    givenNames: given.replace(/</g, ' ').replace(/\s+/g, ' ').trim(),
  };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
function daysInMonth(y: number, m: number): number {
  if (m === 2 && ((y % 4 === 0 && y % 100 !== 0) || y % 400 === 0)) return 29;
  return MONTH_DAYS[m - 1] ?? 31;
}

/** Result of reading one YYMMDD date field. */
interface DateRead {
  iso: string | null;
  /** False when the field is impossible (month 13, day 32, stray filler...). */
  ok: boolean;
}

function isoOf(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Reads an MRZ date with century resolution. `kind` birth: not after `now`; expiry: at most 20 years
 * after `now`'s year.
 */
export function resolveMrzDate(yymmdd: string, kind: 'birth' | 'expiry', now: Date): DateRead {
  if (/^<{6}$/.test(yymmdd) || /^\d{2}<{4}$/.test(yymmdd) || /^\d{4}<{2}$/.test(yymmdd)) return { iso: null, ok: true };
  if (!/^\d{6}$/.test(yymmdd)) return { iso: null, ok: false };
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  if (mm === 0 || dd === 0) return { iso: null, ok: mm <= 12 };
  if (mm > 12) return { iso: null, ok: false };
  const nowY = now.getUTCFullYear();
  let year = 2000 + yy;
  if (kind === 'birth') {
    const nowIso = isoOf(nowY, now.getUTCMonth() + 1, now.getUTCDate());
    const cand = isoOf(year, mm, Math.min(dd, 28));
    if (cand > nowIso) year -= 100;
  } else if (year > nowY + 20) {
    year -= 100;
  }
  if (dd > daysInMonth(year, mm)) return { iso: null, ok: false };
  return { iso: isoOf(year, mm, dd), ok: true };
}

/** Check-digit verdicts of one layout, by our own implementation. Exposed for correct.ts. */
export function computeChecks(layout: MrzLayout, lines: readonly string[]): Partial<Record<CheckDigitName, boolean>> {
  const out: Partial<Record<CheckDigitName, boolean>> = {};
  for (const ck of layout.checks) {
    const digit = (lines[ck.line] ?? '')[ck.pos] ?? '';
    if (layout.format === 'TD1' && ck.name === 'documentNumber') {
      const long = td1LongNumber(lines);
      if (long) {
        out.documentNumber = verifyCheckDigit(long.number, long.checkDigit);
        continue;
      }
    }
    const value = ck.covers.map((sp) => cut(lines, sp.line, sp.start, sp.end)).join('');
    out[ck.name] = verifyCheckDigit(value, digit, ck.fillerWhenEmpty);
  }
  return out;
}

/**
 * TD1 long document number (position 15 of line 1 is `<`, the number continues in the optional
 * data). Returns null when the layout is the ordinary one.
 */
export function td1LongNumber(lines: readonly string[]): { number: string; checkDigit: string; rest: string } | null {
  const l0 = lines[0] ?? '';
  if (l0[14] !== '<' || l0[15] === '<' || l0[15] === undefined) return null;
  const opt = l0.slice(15, 30);
  const end = opt.indexOf('<');
  const cont = end < 0 ? opt : opt.slice(0, end);
  if (cont.length < 1) return null;
  return {
    number: l0.slice(5, 14) + cont.slice(0, -1),
    checkDigit: cont.slice(-1),
    rest: end < 0 ? '' : opt.slice(end),
  };
}

type PackageCheckField = 'documentNumberCheckDigit' | 'birthDateCheckDigit' | 'expirationDateCheckDigit' | 'personalNumberCheckDigit' | 'compositeCheckDigit';
const PACKAGE_FIELDS: Record<PackageCheckField, CheckDigitName> = {
  documentNumberCheckDigit: 'documentNumber',
  birthDateCheckDigit: 'birthDate',
  expirationDateCheckDigit: 'expiryDate',
  personalNumberCheckDigit: 'personalNumber',
  compositeCheckDigit: 'composite',
};

/**
 * Check-digit verdicts of the `mrz` package for TD1/TD2/TD3 (null when it does not cover the
 * format or fails on the input).
 */
export function packageChecks(format: MrzFormat, lines: readonly string[]): Partial<Record<CheckDigitName, boolean>> | null {
  if (format !== 'TD1' && format !== 'TD2' && format !== 'TD3') return null;
  try {
    const r = mrzPackageParse([...lines]);
    if (r.format !== format) return null;
    const out: Partial<Record<CheckDigitName, boolean>> = {};
    for (const d of r.details) {
      const name = d.field !== null ? PACKAGE_FIELDS[d.field as PackageCheckField] : undefined;
      if (name) out[name] = d.valid;
    }
    return out;
  } catch {
    return null;
  }
}

const ALPHA_NAME = /^[A-Z<]*$/;

/**
 * Builds the result for lines of a known format (no shape validation). Shared by
 * {@link parseMrz} and the correction step.
 */
export function interpretMrz(format: MrzFormat, lines: readonly string[], options: MrzInterpretOptions = {}): MrzResult {
  const layout = LAYOUTS[format];
  const now = options.now ?? new Date();
  const allowSpecimen = options.allowSpecimen ?? true;
  const get = (name: string): string => {
    const fs = layout.fields.find((x) => x.field === name);
    return fs ? cut(lines, fs.line, fs.start, fs.end) : '';
  };

  const own = computeChecks(layout, lines);
  const pkg = options.crossCheck === false ? null : packageChecks(format, lines);
  const checks: Partial<Record<CheckDigitName, boolean>> = {};
  for (const ck of layout.checks) {
    const mine = own[ck.name] === true;
    const theirs = pkg ? pkg[ck.name] : undefined;
    checks[ck.name] = theirs === undefined ? mine : mine && theirs;
  }

  const codeRaw = get('documentCode');
  const issuerRaw = get('issuingState');
  const natRaw = get('nationality');
  const sexRaw = get('sex');
  const birth = resolveMrzDate(get('birthDate'), 'birth', now);
  const expiry = resolveMrzDate(get('expiryDate'), 'expiry', now);
  const nameRaw = get('name');
  const { surname, givenNames } = splitName(nameRaw);

  let documentNumber = get('documentNumber').replace(/<+$/, '');
  let optional1 = format === 'TD1' ? get('optional1') : '';
  if (format === 'TD1') {
    const long = td1LongNumber(lines);
    if (long) {
      documentNumber = long.number.replace(/<+$/, '');
      optional1 = long.rest;
    }
  }
  const sex: MrzFields['sex'] = sexRaw === 'M' ? 'M' : sexRaw === 'F' ? 'F' : 'X';
  const fields: MrzFields = {
    documentCode: codeRaw.replace(/<+/g, ''),
    issuingState: issuerRaw.replace(/<+$/, ''),
    documentNumber,
    nationality: natRaw.replace(/<+$/, ''),
    surname,
    givenNames,
    sex,
    birthDate: birth.iso,
    expiryDate: expiry.iso,
    optional1: cleanOptional(optional1),
    optional2: cleanOptional(get('optional2')),
  };

  const codeOk = layout.codeFirst.includes(codeRaw[0] ?? '') && /^[A-Z<]$/.test(codeRaw[1] ?? '');
  const statesOk = isKnownStateCode(issuerRaw, { allowSpecimen }) && isKnownStateCode(natRaw, { allowSpecimen });
  const sexOk = /^[MF<X]$/.test(sexRaw);
  const namesOk = ALPHA_NAME.test(nameRaw) && surname.length > 0;
  const checksOk = layout.checks.every((ck) => checks[ck.name] === true);
  const valid = checksOk && statesOk && birth.ok && expiry.ok && sexOk && codeOk && namesOk && (options.extraValid ?? true);

  return {
    format,
    lines: [...lines],
    fields,
    checks,
    valid,
    confidence: options.confidence ?? 1,
    corrections: options.corrections ?? [],
  };
}
