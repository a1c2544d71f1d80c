/**
 * Shared types of the MRZ engine: the contract between the image side (locate, rectify, segment,
 * classify) and the text side (check digits, correction, parsing, voting).
 * @module
 */

/**
 * Layouts the engine reads: the ICAO 9303 ones (`TD1` 3x30, `TD2` 2x36, `TD3` 2x44, visas `MRVA`
 * 2x44 and `MRVB` 2x36), and `FRA_ID`, the French national identity card issued 1988-2021 (2x36,
 * line 1 starting `IDFRA`; not ICAO TD2). A `FRA_ID` result has no expiry date in its MRZ
 * (`expiryDate` is null), reports `nationality` `FRA` (the card is issued to French citizens only;
 * the MRZ has no nationality field), the 12-character card number as `documentNumber`, and the
 * administrative code of line 1 (positions 31-36, often empty) as `optional1`.
 */
export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRVA' | 'MRVB' | 'FRA_ID';

/** A greyscale image: one byte per pixel, row-major, 0 = black. */
export interface GrayImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** `width * height` bytes. */
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** An RGBA image laid out like `ImageData` (4 bytes per pixel). */
export interface RgbaImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** `width * height * 4` bytes, RGBA. */
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** A point in frame (source image) pixel coordinates. */
export interface Point {
  /** Horizontal position, pixels from the left. */
  readonly x: number;
  /** Vertical position, pixels from the top. */
  readonly y: number;
}

/** One classifier alternative for a character position. */
export interface CharAlternative {
  /** `A`-`Z`, `0`-`9` or `<`. */
  readonly ch: string;
  /** Probability in [0, 1]; alternatives of one position sum to at most 1. */
  readonly p: number;
}

/**
 * Classifier output for one character position: alternatives sorted by descending probability
 * (at least one, usually the top 3-5).
 */
export type CharCandidates = readonly CharAlternative[];

/** Classifier output for one MRZ line: one entry per character position. */
export type LineCandidates = readonly CharCandidates[];

/** Names of the check digits a format may carry. */
export type CheckDigitName =
  | 'documentNumber'
  | 'birthDate'
  | 'expiryDate'
  | 'personalNumber'
  | 'optionalData'
  | 'composite';

/** Parsed, normalised MRZ fields. Dates are ISO `YYYY-MM-DD` (century resolved), or null if invalid. */
export interface MrzFields {
  /** Document code as printed, fillers removed: `P`, `PO`, `I`, `ID`, `AC`, `V`, ... */
  readonly documentCode: string;
  /** Issuing state or organisation (ICAO code, may be non-ISO such as `D`, `UNO`, `XXA`). */
  readonly issuingState: string;
  /** Document number, fillers removed (TD1 long numbers joined). */
  readonly documentNumber: string;
  /** Nationality code (ICAO; `D` for Germany). `FRA_ID` has no such field: `FRA`, its issuing state. */
  readonly nationality: string;
  /** Primary identifier, `<` turned into spaces. */
  readonly surname: string;
  /** Secondary identifier, `<` turned into spaces. */
  readonly givenNames: string;
  /** `M`, `F` or `X` (unspecified, printed `<`). */
  readonly sex: 'M' | 'F' | 'X';
  /** Date of birth, ISO; null when not a real date. */
  readonly birthDate: string | null;
  /** Date of expiry, ISO; null when not a real date, and always for `FRA_ID` (no expiry in its MRZ). */
  readonly expiryDate: string | null;
  /**
   * Personal number / optional data, fillers removed (`optional1` for TD1 line 1, `optional2` line 2;
   * for `FRA_ID` the administrative code at the end of line 1).
   */
  readonly optional1: string;
  /** Optional data of line 2 (TD1) or the personal number (TD3). */
  readonly optional2: string;
}

/** The outcome of reading one MRZ (from text or from an image). */
export interface MrzResult {
  /** Layout of the MRZ. */
  readonly format: MrzFormat;
  /** The MRZ lines as finally read (after correction), each exactly the format's length. */
  readonly lines: readonly string[];
  /** Parsed fields. */
  readonly fields: MrzFields;
  /** Each check digit the format carries, and whether it passed. */
  readonly checks: Readonly<Partial<Record<CheckDigitName, boolean>>>;
  /**
   * True only when every check digit passes, the issuing state / nationality are known codes
   * and `confidence` clears the engine threshold, with fewer than `MRZ_MAX_DOUBTS` (12) `doubts`;
   * read from an image whose characters are narrower than `MIN_DOUBTFUL_PITCH` pixels, only without
   * `doubts`. Never true for a read that is merely plausible.
   */
  readonly valid: boolean;
  /** Overall confidence in [0, 1] (lowest relevant per-character probability after correction). */
  readonly confidence: number;
  /** Positions that correction changed from the classifier's first choice: `[line, column]`. */
  readonly corrections: readonly (readonly [number, number])[];
  /**
   * Characters no check digit covers (names, document code, issuing state, sex, visa optional data)
   * that the classifier did not read surely, `[line, column]`: probability under `MRZ_DOUBT_P` (0.995), or a
   * letter it first read as a digit; also checked characters read under that probability whose
   * look-alike twin the check digits cannot tell apart (G and Q, G and 6, E and 4). A valid reading
   * can still be wrong there (no check digit would see it): show them to the person who compares the
   * result with the document. Empty for typed input and for characters read surely.
   */
  readonly doubts: readonly (readonly [number, number])[];
}

/** Timings per pipeline stage, in milliseconds. */
export interface MrzTimings {
  /** Finding the band. */
  locate: number;
  /** Straightening and binarising it. */
  rectify: number;
  /** Cutting lines and characters. */
  segment: number;
  /** Classifying the glyphs. */
  classify: number;
  /** Check-digit correction and parsing. */
  correct: number;
  /** The whole read. */
  total: number;
}

/** A read from an image: the text result plus where the band was found. */
export interface MrzImageResult extends MrzResult {
  /** Band corners in frame coordinates: top-left, top-right, bottom-right, bottom-left. */
  readonly corners: readonly [Point, Point, Point, Point];
  /** Time spent per stage. */
  readonly timings: MrzTimings;
}
