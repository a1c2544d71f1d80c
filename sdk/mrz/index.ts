/**
 * `sdk/mrz`: reading machine readable zones (ICAO 9303 TD1, TD2, TD3, MRV-A, MRV-B, and the French
 * national identity card of 1988-2021, `FRA_ID`).
 *
 * Text side: check digits, layouts, parsing typed or read lines, check-digit correction of
 * classifier output, cross-frame voting. Image side: the reading engine (`readMrz`) and its
 * worker client. Pure TypeScript without DOM, usable in a Web Worker and in Node.
 * @module
 */
export type * from './types.ts';
export { MRZ_ALPHABET, computeCheckDigit, verifyCheckDigit, mrzCharValue } from './checkdigit.ts';
export { LAYOUTS, detectFormat, formatShape } from './formats.ts';
export type { MrzCharClass, MrzCheckSpec, MrzFieldName, MrzFieldSpec, MrzLayout, MrzShape, MrzSpan } from './formats.ts';
export { MrzParseError, parseMrz, safeParseMrz, resolveMrzDate } from './parse.ts';
export type { MrzParseErrorCode, MrzParseOptions, SafeParseResult } from './parse.ts';
export type { DateRead } from './interpret.ts';
export { breaksOwnRules, failsOwnChecks, isOffStandard } from './interpret.ts';
export { MRZ_CONFIDENCE_THRESHOLD, MRZ_CHECKED_THRESHOLD, MRZ_UNCHECKED_THRESHOLD, MRZ_DOUBT_P, MRZ_MAX_DOUBTS, AMBIGUITY_RATIO, correctMrz, candidatesFromLines, sharpenAlternatives } from './correct.ts';
export type { MrzCorrectOptions } from './correct.ts';
export { MrzVoter } from './vote.ts';
export type { MrzVoterOptions } from './vote.ts';
export { MIN_DOUBTFUL_PITCH, MRZ_BLURRED, MRZ_READABLE_PITCH, characterPitch } from './region.ts';
