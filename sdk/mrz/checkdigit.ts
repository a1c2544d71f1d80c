/**
 * ICAO 9303 check digits (Part 3, section 4.9): weights 7, 3, 1 repeating; `0`-`9` count as their
 * value, `A`-`Z` as 10-35 and the filler `<` as 0; the check digit is the weighted sum modulo 10.
 * @module
 */

/** Characters allowed in an MRZ line. */
export const MRZ_ALPHABET = '<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The check digits' weights, repeating from a field's first character. */
export const CHECK_WEIGHTS = [7, 3, 1] as const;

/**
 * Value of one MRZ character for check-digit purposes, or -1 when the character is not part of the
 * MRZ alphabet.
 */
export function mrzCharValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (ch.length !== 1) return -1;
  if (c >= 48 && c <= 57) return c - 48; // 0-9
  if (c >= 65 && c <= 90) return c - 55; // A-Z -> 10..35
  if (c === 60) return 0; // <
  return -1;
}

/**
 * Computes the ICAO 9303 check digit of `value` (0-9). Returns -1 when `value` holds a character
 * outside `A-Z0-9<`.
 *
 * @example
 * ```ts
 * computeCheckDigit('L898902C3'); // 6
 * ```
 */
export function computeCheckDigit(value: string): number {
  let sum = 0;
  for (let i = 0; i < value.length; i++) {
    const v = mrzCharValue(value[i] as string);
    if (v < 0) return -1;
    sum += v * (CHECK_WEIGHTS[i % 3] as number);
  }
  return sum % 10;
}

/**
 * Whether `digit` is the correct check digit for `value`.
 *
 * With `allowFillerWhenEmpty`, a `<` check digit is also accepted when `value` consists only of
 * fillers (ICAO allows this for the TD3 personal-number field). A `<` is never accepted when the
 * field holds data, even if it computes to 0.
 */
export function verifyCheckDigit(value: string, digit: string, allowFillerWhenEmpty = false): boolean {
  if (digit === '<') return allowFillerWhenEmpty && /^<*$/.test(value);
  const expected = computeCheckDigit(value);
  return expected >= 0 && digit.length === 1 && digit.charCodeAt(0) - 48 === expected;
}
