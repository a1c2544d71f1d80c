/**
 * Parsing typed, pasted or OCR-read MRZ text into the engine's {@link MrzResult} shape, for TD1, TD2,
 * TD3, MRV-A, MRV-B and the French national identity card of 1988-2021 (`FRA_ID`).
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
 * - French identity card (`FRA_ID`, 2x36 with line 1 starting `IDFRA`, as the `mrz` package
 *   decides): surname on line 1, given names on line 2 (`<<` between names), no expiry date
 *   (`expiryDate` null), `nationality` reported as `FRA` (no such field; the card is for French
 *   citizens only), the 12-character card number, and the administrative code as `optional1`.
 *   When the French check digits fail but the TD2 ones all pass, the lines are read as TD2 (the
 *   `mrz` package reads every `IDFRA` 2x36 as French, so that TD2 reading has no cross-check).
 * - For TD1/TD2/TD3/FRA_ID the verdicts are cross-checked with the `mrz` npm package: a check digit counts
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
import { detectFormat } from './formats.ts';
import { interpretMrz, type MrzParseOptions } from './interpret.ts';
import type { CheckDigitName, MrzFormat, MrzResult } from './types.ts';

export { computeChecks, interpretMrz, resolveMrzDate, td1LongNumber } from './interpret.ts';
export type { MrzInterpretOptions, MrzParseOptions } from './interpret.ts';

/** Stable error codes of {@link MrzParseError}. */
export type MrzParseErrorCode =
  /** No text at all. */
  | 'empty'
  /** A character outside `A-Z0-9<`. */
  | 'invalid-characters'
  /** Line count or lengths match no format (3x30, 2x36, 2x44). */
  | 'invalid-shape';

/** Thrown by {@link parseMrz} when the text cannot be an MRZ at all. */
export class MrzParseError extends Error {
  /** Always `MrzParseError`. */
  override readonly name = 'MrzParseError';
  /** Stable error code. */
  readonly code: MrzParseErrorCode;
  /**
   * @param code - stable error code
   * @param message - developer-facing description (no personal data)
   */
  constructor(code: MrzParseErrorCode, message: string) {
    super(message);
    this.code = code;
  }
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
  const format = detectFormat(clean.length, (clean[0] as string).length, clean[0] as string) as MrzFormat;
  const result = interpretMrz(format, clean, { ...options, crossChecks: packageChecks(format, clean) });
  if (format !== 'FRA_ID' || Object.values(result.checks).every(Boolean)) return result;
  // `IDFRA` whose French check digits fail: a TD2 whose check digits all pass is read as TD2.
  const td2 = interpretMrz('TD2', clean, { ...options, crossChecks: packageChecks('TD2', clean) });
  return Object.values(td2.checks).every(Boolean) ? td2 : result;
}

/** Outcome of {@link safeParseMrz}. */
export type SafeParseResult =
  | {
      /** Parsed. */
      ok: true;
      /** The parsed MRZ. */
      result: MrzResult;
    }
  | {
      /** Not parseable (structure). */
      ok: false;
      /** Why. */
      error: MrzParseError;
    };

/** Like {@link parseMrz} but never throws: `{ ok: false, error }` for structural problems. */
export function safeParseMrz(
  lines: string | readonly string[],
  options: MrzParseOptions = {},
): SafeParseResult {
  try {
    return { ok: true, result: parseMrz(lines, options) };
  } catch (e) {
    if (e instanceof MrzParseError) return { ok: false, error: e };
    return { ok: false, error: new MrzParseError('invalid-characters', 'Not MRZ text.') };
  }
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------

type PackageCheckField = 'documentNumberCheckDigit' | 'birthDateCheckDigit' | 'expirationDateCheckDigit' | 'personalNumberCheckDigit' | 'compositeCheckDigit';
const PACKAGE_FIELDS: Record<PackageCheckField, CheckDigitName> = {
  documentNumberCheckDigit: 'documentNumber',
  birthDateCheckDigit: 'birthDate',
  expirationDateCheckDigit: 'expiryDate',
  personalNumberCheckDigit: 'personalNumber',
  compositeCheckDigit: 'composite',
};

/** The `mrz` package's name of each format it parses. */
const PACKAGE_FORMATS: Partial<Record<MrzFormat, string>> = { TD1: 'TD1', TD2: 'TD2', TD3: 'TD3', FRA_ID: 'FRENCH_NATIONAL_ID' };

/**
 * Check-digit verdicts of the `mrz` package for TD1/TD2/TD3/FRA_ID (null when it does not cover the
 * format, reads the lines as another format, or fails on the input).
 */
export function packageChecks(format: MrzFormat, lines: readonly string[]): Partial<Record<CheckDigitName, boolean>> | null {
  const packageFormat = PACKAGE_FORMATS[format];
  if (packageFormat === undefined) return null;
  try {
    const r = mrzPackageParse([...lines]);
    if (r.format !== packageFormat) return null;
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

