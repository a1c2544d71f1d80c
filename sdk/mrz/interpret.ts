/**
 * Interpretation of MRZ lines of a known format: fields, check digits, dates, validity rules (FRA_ID:
 * two name spans, no expiry date, nationality = issuing state, see types.ts). Shared
 * by parse.ts (typed/pasted text) and correct.ts (classifier output). Kept free of the `mrz` npm
 * package so the camera path's bundle stays small; the rules are documented in parse.ts.
 * @module
 */
import { isKnownStateCode } from '../model/countries.ts';
import { verifyCheckDigit } from './checkdigit.ts';
import { LAYOUTS, type MrzLayout } from './formats.ts';
import type { CheckDigitName, MrzFields, MrzFormat, MrzResult } from './types.ts';

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
  /** Unsure characters no check digit covers (see MrzResult `doubts`). */
  doubts?: readonly (readonly [number, number])[];
  /** Extra condition for `valid` (e.g. confidence threshold, unambiguous correction). */
  extraValid?: boolean;
  /**
   * Check-digit verdicts of a second implementation (parseMrz passes the `mrz` package's); a check
   * passes only when both agree. The per-frame correction path does not use the package (about
   * 1 ms per call and 8 kB gzip in the browser bundle); fuzz tests keep both implementations in
   * agreement.
   */
  crossChecks?: Partial<Record<CheckDigitName, boolean>> | null;
}

function cut(lines: readonly string[], line: number, start: number, end: number): string {
  return (lines[line] ?? '').slice(start, end);
}

/** Trims fillers at both ends; inner fillers become spaces. */
function cleanOptional(v: string): string {
  return v.replace(/^<+|<+$/g, '').replace(/</g, ' ');
}

/** Fillers (single or runs) become single spaces, trimmed. */
function spaced(v: string): string {
  return v.replace(/</g, ' ').replace(/\s+/g, ' ').trim();
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
export interface DateRead {
  /** ISO date `YYYY-MM-DD` with the century resolved, or null when not a real date. */
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

/** One character of an MRZ reading put in another's place: `twin` at line `l`, column `c`. */
export interface MrzSwap {
  readonly l: number;
  readonly c: number;
  readonly twin: string;
}

/**
 * True when every check digit of `layout` passes on `lines` with `swaps` made (none: the lines as
 * read). What the look-alike rules ask (correct.ts `hiddenLookalikeSwap`, engine.ts
 * `blindAgainst`): can the check digits tell a reading from the one with its twins swapped in?
 */
export function checksPassWith(layout: MrzLayout, lines: readonly string[], swaps: readonly MrzSwap[] = []): boolean {
  let trial = lines;
  if (swaps.length > 0) {
    const rows = lines.map((s) => [...s]);
    for (const s of swaps) if (rows[s.l]?.[s.c] !== undefined) (rows[s.l] as string[])[s.c] = s.twin;
    trial = rows.map((r) => r.join(''));
  }
  return Object.values(computeChecks(layout, trial)).every(Boolean);
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
 * Whether `result` is not valid because one of its check digits fails (not merely for a low confidence
 * or an unknown state code). From the engine (readMrz) this is a print read as printed, every
 * character surely, that fails its own check digits: a misprinted or altered MRZ.
 */
export function failsOwnChecks(result: MrzResult): boolean {
  return !result.valid && Object.values(result.checks).includes(false);
}

/**
 * Whether `result` passes every check digit yet its text is no valid MRZ: a state code that is no
 * known one (digits where the letters belong, as an old Romanian identity card prints its
 * nationality `132`), an impossible date, ... Specimens count as valid here, and a reading refused
 * only for its confidence is not off the standard.
 */
export function isOffStandard(result: MrzResult): boolean {
  return !result.valid && !Object.values(result.checks).includes(false) && !interpretMrz(result.format, result.lines, { allowSpecimen: true }).valid;
}

/**
 * Whether the text of `result` itself breaks the MRZ rules, not merely was read without enough
 * confidence: a check digit fails ({@link failsOwnChecks}) or it is off the standard
 * ({@link isOffStandard}). From the engine (readMrz) this is a print read as printed, every character
 * surely: a misprinted, altered or non-standard MRZ.
 */
export function breaksOwnRules(result: MrzResult): boolean {
  return failsOwnChecks(result) || isOffStandard(result);
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
  const pkg = options.crossChecks ?? null;
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
  // FRA_ID has no expiry date: nothing to reject, and null.
  const hasExpiry = layout.fields.some((x) => x.field === 'expiryDate');
  const expiry: DateRead = hasExpiry ? resolveMrzDate(get('expiryDate'), 'expiry', now) : { iso: null, ok: true };
  // FRA_ID: surname and given names in two spans (names separated by `<<`), no nationality field
  // (the card is issued to French citizens only: the issuing state stands in for it).
  const twoSpans = format === 'FRA_ID';
  const nameRaw = twoSpans ? get('surname') + get('givenNames') : get('name');
  const { surname, givenNames } = twoSpans ? { surname: spaced(get('surname')), givenNames: spaced(get('givenNames')) } : splitName(nameRaw);
  const natField = twoSpans ? issuerRaw : natRaw;

  let documentNumber = get('documentNumber').replace(/<+$/, '');
  let optional1 = format === 'TD1' || format === 'FRA_ID' ? get('optional1') : '';
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
    nationality: natField.replace(/<+$/, ''),
    surname,
    givenNames,
    sex,
    birthDate: birth.iso,
    expiryDate: expiry.iso,
    optional1: cleanOptional(optional1),
    optional2: cleanOptional(get('optional2')),
  };

  const codeOk = layout.codeFirst.includes(codeRaw[0] ?? '') && /^[A-Z<]$/.test(codeRaw[1] ?? '');
  const statesOk = isKnownStateCode(issuerRaw, { allowSpecimen }) && isKnownStateCode(natField, { allowSpecimen });
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
    doubts: options.doubts ?? [],
  };
}
