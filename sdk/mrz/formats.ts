/**
 * MRZ layouts (ICAO 9303, plus the French national identity card of 1988-2021): where each field
 * and check digit sits, and which characters a field may hold. Shared by the parser (parse.ts),
 * the check-digit correction (correct.ts) and the generators.
 * Positions are 0-based `[line, start, end)` (end exclusive).
 * @module
 */
import type { CheckDigitName, MrzFormat } from './types.ts';

/** What a field may contain: drives both validation and the classifier-confusion mapping. */
export type MrzCharClass =
  /** `0`-`9` only (check digits). */
  | 'digit'
  /** `0`-`9` or `<` (dates: `<` marks an unknown part; numeric optional fields). */
  | 'digitOrFiller'
  /** `A`-`Z` or `<` (document code, state codes, names). */
  | 'alpha'
  /** `A`-`Z`, `0`-`9`, `<` (document numbers, optional data). */
  | 'alnum'
  /** `M`, `F`, `<` (and `X`, printed by a few states). */
  | 'sex';

/** Field names of a layout. */
export type MrzFieldName =
  | 'documentCode'
  | 'issuingState'
  | 'documentNumber'
  | 'nationality'
  | 'birthDate'
  | 'sex'
  | 'expiryDate'
  | 'optional1'
  | 'optional2'
  /** ICAO name field: primary and secondary identifiers separated by `<<`. */
  | 'name'
  /** Surname alone (FRA_ID line 1). */
  | 'surname'
  /** Given names alone, separated by `<<` (FRA_ID line 2). */
  | 'givenNames';

/** A span of one line. */
export interface MrzSpan {
  /** Line index (0-based). */
  readonly line: number;
  /** First column (0-based, inclusive). */
  readonly start: number;
  /** Last column (0-based, exclusive). */
  readonly end: number;
}

/** A field of a layout. */
export interface MrzFieldSpec extends MrzSpan {
  /** Which field the span holds. */
  readonly field: MrzFieldName;
  /** Characters the field may hold (drives look-alike correction). */
  readonly cls: MrzCharClass;
}

/** A check digit: where it is and which spans it covers. */
export interface MrzCheckSpec {
  /** Which check digit this is. */
  readonly name: CheckDigitName;
  /** Line of the check digit (0-based). */
  readonly line: number;
  /** Column of the check digit (0-based). */
  readonly pos: number;
  /** Spans the digit is computed over, in order. */
  readonly covers: readonly MrzSpan[];
  /** A `<` digit is accepted when every covered character is `<` (TD3 personal number). */
  readonly fillerWhenEmpty: boolean;
}

/** Line count and line length of a format. */
export interface MrzShape {
  /** Number of lines (2 or 3). */
  lineCount: number;
  /** Characters per line (30, 36 or 44). */
  lineLength: number;
}

/** A complete layout. */
export interface MrzLayout {
  /** The format this layout describes. */
  readonly format: MrzFormat;
  /** Number of lines (2 or 3). */
  readonly lineCount: number;
  /** Characters per line (30, 36 or 44). */
  readonly lineLength: number;
  /** Every field with its span and character class. */
  readonly fields: readonly MrzFieldSpec[];
  /** Every check digit of the format. */
  readonly checks: readonly MrzCheckSpec[];
  /** Allowed first characters of the document code. */
  readonly codeFirst: string;
}

const f = (field: MrzFieldName, line: number, start: number, end: number, cls: MrzCharClass): MrzFieldSpec => ({ field, line, start, end, cls });
const s = (line: number, start: number, end: number): MrzSpan => ({ line, start, end });
const c = (name: CheckDigitName, line: number, pos: number, covers: MrzSpan[], fillerWhenEmpty = false): MrzCheckSpec => ({ name, line, pos, covers, fillerWhenEmpty });

/** Line 2 head shared by TD2, TD3, MRV-A and MRV-B. */
function line2Head(): MrzFieldSpec[] {
  return [
    f('documentNumber', 1, 0, 9, 'alnum'),
    f('nationality', 1, 10, 13, 'alpha'),
    f('birthDate', 1, 13, 19, 'digitOrFiller'),
    f('sex', 1, 20, 21, 'sex'),
    f('expiryDate', 1, 21, 27, 'digitOrFiller'),
  ];
}
function line2HeadChecks(): MrzCheckSpec[] {
  return [c('documentNumber', 1, 9, [s(1, 0, 9)]), c('birthDate', 1, 19, [s(1, 13, 19)]), c('expiryDate', 1, 27, [s(1, 21, 27)])];
}

/** Layouts by format. */
export const LAYOUTS: Readonly<Record<MrzFormat, MrzLayout>> = {
  TD1: {
    format: 'TD1',
    lineCount: 3,
    lineLength: 30,
    codeFirst: 'ACI',
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'),
      f('issuingState', 0, 2, 5, 'alpha'),
      f('documentNumber', 0, 5, 14, 'alnum'),
      f('optional1', 0, 15, 30, 'alnum'),
      f('birthDate', 1, 0, 6, 'digitOrFiller'),
      f('sex', 1, 7, 8, 'sex'),
      f('expiryDate', 1, 8, 14, 'digitOrFiller'),
      f('nationality', 1, 15, 18, 'alpha'),
      f('optional2', 1, 18, 29, 'alnum'),
      f('name', 2, 0, 30, 'alpha'),
    ],
    checks: [
      c('documentNumber', 0, 14, [s(0, 5, 14)]),
      c('birthDate', 1, 6, [s(1, 0, 6)]),
      c('expiryDate', 1, 14, [s(1, 8, 14)]),
      c('composite', 1, 29, [s(0, 5, 30), s(1, 0, 7), s(1, 8, 15), s(1, 18, 29)]),
    ],
  },
  TD2: {
    format: 'TD2',
    lineCount: 2,
    lineLength: 36,
    codeFirst: 'ACI',
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'),
      f('issuingState', 0, 2, 5, 'alpha'),
      f('name', 0, 5, 36, 'alpha'),
      ...line2Head(),
      f('optional2', 1, 28, 35, 'alnum'),
    ],
    checks: [...line2HeadChecks(), c('composite', 1, 35, [s(1, 0, 10), s(1, 13, 20), s(1, 21, 35)])],
  },
  TD3: {
    format: 'TD3',
    lineCount: 2,
    lineLength: 44,
    codeFirst: 'P',
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'),
      f('issuingState', 0, 2, 5, 'alpha'),
      f('name', 0, 5, 44, 'alpha'),
      ...line2Head(),
      f('optional2', 1, 28, 42, 'alnum'),
    ],
    checks: [
      ...line2HeadChecks(),
      c('personalNumber', 1, 42, [s(1, 28, 42)], true),
      c('composite', 1, 43, [s(1, 0, 10), s(1, 13, 20), s(1, 21, 43)]),
    ],
  },
  MRVA: {
    format: 'MRVA',
    lineCount: 2,
    lineLength: 44,
    codeFirst: 'V',
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'),
      f('issuingState', 0, 2, 5, 'alpha'),
      f('name', 0, 5, 44, 'alpha'),
      ...line2Head(),
      f('optional2', 1, 28, 44, 'alnum'),
    ],
    checks: line2HeadChecks(),
  },
  MRVB: {
    format: 'MRVB',
    lineCount: 2,
    lineLength: 36,
    codeFirst: 'V',
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'),
      f('issuingState', 0, 2, 5, 'alpha'),
      f('name', 0, 5, 36, 'alpha'),
      ...line2Head(),
      f('optional2', 1, 28, 36, 'alnum'),
    ],
    checks: line2HeadChecks(),
  },
  // French national identity card (1988-2021), as the `mrz` package's FRENCH_NATIONAL_ID: no expiry
  // date, no nationality; the composite covers all of line 1 and line 2 up to the sex.
  FRA_ID: {
    format: 'FRA_ID',
    lineCount: 2,
    lineLength: 36,
    codeFirst: 'I',
    fields: [
      f('documentCode', 0, 0, 2, 'alpha'),
      f('issuingState', 0, 2, 5, 'alpha'),
      f('surname', 0, 5, 30, 'alpha'),
      f('optional1', 0, 30, 36, 'alnum'),
      f('documentNumber', 1, 0, 12, 'alnum'),
      f('givenNames', 1, 13, 27, 'alpha'),
      f('birthDate', 1, 27, 33, 'digitOrFiller'),
      f('sex', 1, 34, 35, 'sex'),
    ],
    checks: [
      c('documentNumber', 1, 12, [s(1, 0, 12)]),
      c('birthDate', 1, 33, [s(1, 27, 33)]),
      c('composite', 1, 35, [s(0, 0, 36), s(1, 0, 35)]),
    ],
  },
};

/** Line count and length of each format. */
export function formatShape(format: MrzFormat): MrzShape {
  const l = LAYOUTS[format];
  return { lineCount: l.lineCount, lineLength: l.lineLength };
}

/**
 * Format from the shape of the lines (count x length) and the start of line 1 (`V` = visa; 2x36
 * starting `IDFRA` = French national identity card, as the `mrz` package decides). `lineStart` may
 * be just the first character (then `FRA_ID` is never chosen). Returns null when the shape matches
 * no layout.
 */
export function detectFormat(lineCount: number, lineLength: number, lineStart: string): MrzFormat | null {
  const firstChar = lineStart[0] ?? '';
  if (lineCount === 3 && lineLength === 30) return 'TD1';
  if (lineCount === 2 && lineLength === 44) return firstChar === 'V' ? 'MRVA' : 'TD3';
  if (lineCount === 2 && lineLength === 36) return firstChar === 'V' ? 'MRVB' : lineStart.startsWith('IDFRA') ? 'FRA_ID' : 'TD2';
  return null;
}

/** Characters allowed by a class. */
export const CLASS_CHARS: Readonly<Record<MrzCharClass, string>> = {
  digit: '0123456789',
  digitOrFiller: '0123456789<',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<',
  alnum: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<',
  sex: 'MF<X',
};

/**
 * Per position of a layout: the character class (check digits are `digit`, the TD3 personal-number
 * digit `digitOrFiller`). `[line][column]`.
 */
export function positionClasses(layout: MrzLayout): MrzCharClass[][] {
  const out: MrzCharClass[][] = [];
  for (let l = 0; l < layout.lineCount; l++) out.push(new Array<MrzCharClass>(layout.lineLength).fill('alnum'));
  for (const fs of layout.fields) for (let i = fs.start; i < fs.end; i++) (out[fs.line] as MrzCharClass[])[i] = fs.cls;
  for (const ck of layout.checks) (out[ck.line] as MrzCharClass[])[ck.pos] = ck.fillerWhenEmpty ? 'digitOrFiller' : 'digit';
  // TD1 line-1 position 15 (the document-number check digit) may be `<` for long numbers.
  if (layout.format === 'TD1') (out[0] as MrzCharClass[])[14] = 'digitOrFiller';
  // FRA_ID's card number starts with the issue year and month (the `mrz` package's issue date).
  if (layout.format === 'FRA_ID') for (let i = 0; i < 4; i++) (out[1] as MrzCharClass[])[i] = 'digit';
  return out;
}
