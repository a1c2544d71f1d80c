/**
 * Check-digit correction of classifier output: from per-position alternatives with probabilities
 * to the most probable MRZ whose check digits pass, reported valid only when that reading is proven.
 *
 * How it decides:
 * 1. Format from line count and length (3x30 TD1; 2x44 TD3 or MRV-A; 2x36 TD2 or MRV-B, by the
 *    first character `V`; when that character is uncertain both readings are tried). A 2x36 line 1
 *    that reads `IDFRA` is tried as the French identity card (FRA_ID) first, and last when `IDFRA`
 *    is only among the alternatives; the first format whose check digits all pass is kept, and
 *    the read is not valid when FRA_ID and another format both pass all theirs.
 *    FRA_ID's composite covers every other field; code, state, names and sex are chosen first by
 *    the rules of step 5 (names: `PART(<{1,2}PART)*<*`), enter the search fixed (so the posterior
 *    measures numbers and dates), must still pass the composite, and keep the classifier-alone
 *    confidence of step 6.
 * 2. Each position is restricted to what its field may hold. Digits-only fields (dates, check
 *    digits, the French card number's issue month) map letter look-alikes to digits (`O`/`Q`/`D`/
 *    `U`->0, `I`/`L`/`J`->1, `Z`->2, `A`->4, `S`->5, `G`->6, `T`->7, `B`->8); letters-only fields
 *    (codes, names, states) map the reverse (0->O, 1->I, 2->Z, 4->A, 5->S, 6->G, 7->T, 8->B); sex
 *    is `M`/`F`/`<`. Mixed fields (document number, optional data) keep the classifier's own
 *    alternatives.
 * 3. A beam search over every position covered by a check digit (document number, dates, personal
 *    number, composite) keeps only combinations whose check digits pass, ranked by the product of
 *    probabilities.
 * 4. The chosen combination's posterior is its probability divided by the probability of all
 *    passing combinations (plus a conservative estimate for combinations the beam did not keep and
 *    for characters outside the alternatives). A correction is accepted only through this
 *    posterior: when two different combinations pass with similar probability (runner-up at least
 *    {@link AMBIGUITY_RATIO} of the best), the result is not valid. Nor is it when one check
 *    digit's own field holds more than two doubtful characters (chosen below 0.85): three wrong
 *    ones pass together one time in ten, and the posterior then rests on the classifier's odds alone.
 * 5. Fields without a check digit (names, states, sex, document code) keep the most probable allowed
 *    character; states prefer the most probable combination that is a known code.
 * 6. `confidence` = min(posterior of the checked part, lowest chosen probability of any unchecked
 *    position). `valid` = every parse rule holds, each part clears its bar (below), no ambiguity; a
 *    letter or digit with a look-alike in a mixed field no check digit covers (visa optional data)
 *    also needs probability >= {@link UNCHECKED_LOOKALIKE_P} (an O or 0 there may instead be read
 *    so by every `witness`, see {@link VOUCHABLE}), and an unchecked letter whose first choice was
 *    a digit other than 0 (mapped to its look-alike) needs {@link INFERRED_LETTER_P}. Nor is a read
 *    valid when one or two look-alikes in a checked mixed field could be swapped for their twins
 *    with every check digit still passing (O/0 twice at weights 3 and 7, U/0, S/8...) at odds of
 *    1 in 99 or more (a G/Q swap: {@link GQ_SWAP_ODDS}), unless the `witnesses` (another
 *    classifier's reading of the same glyphs; the engine gives the ensemble's readings the MLP's,
 *    the MLP's the CNN's) also rule that swap out at under 1 in 99, each on its own. Session 24:
 *    bench 70309 (U at 0.93 with 0 at 0.07; the MLP 0.986 / 0.004) and fresh 520229 read; fresh
 *    520049, a pair of 0 read O at 0.78 and 0.93, stays refused (the MLP gave the first 0 at 0.81).
 *    Replay stress with the MLP as witness: 1711 / 13 -> 1766 / 13 and 246 / 4 -> 256 / 4 (the CNN:
 *    1749 / 13, 249 / 4). Both witnesses at once read 19 and 2 more there, but none of the bench's;
 *    their product with the reading's own odds (as if independent) let 520049 through. All 26 lists
 *    (11,243 frames): 9,669 -> 9,679 read, none lost, 0 false accepts; paired median 1.000
 *    Chromium, 1.014 Node.
 *    The bar is two bars (`checkedThreshold`, `uncheckedThreshold`, both 0.9; `threshold` sets
 *    both): session 25 split it and found neither part can be lowered. Of main's INVALID frames
 *    (431, 29 lists and fresh 600000/610000), the least unchecked character alone holds 141 (names
 *    114: H/M, I/Z, D/O, E/F mostly at 0.8-0.9, the odds of main's WRONG frames' misread letters),
 *    the posterior alone 15, both 25. Replay stress, 30000 documents per cache (main
 *    8898 valid / 104 wrong and 1295 / 32): posterior bar 0.85 +318 / +16 and +116 / +15; 0.85
 *    only when every unchecked character is >= 0.97 +222 / +8 and +56 / +5 (the posterior's doubt
 *    is what the check digits cannot see: K/`<` and U/0 in mixed fields); unchecked bar 0.85
 *    +1117 / +51 and +358 / +53; an unchecked character under 0.9 let through when the other
 *    classifier reads it at >= 0.99 +102 / 0 and +27 / +6 (a `<` both read F). Fresh frame 600179
 *    (a name's H read M at 0.908, every classifier M at 0.83-0.96) is a false accept of main that
 *    only a flat unchecked bar over 0.908 refuses (0.91: -239 / -4 and -72 / -10 in the replay).
 *    Glare takes strokes: given the engine's glyph measures, an unchecked letter inferred from a
 *    digit on a faded glyph (`faded`), or one whose glyph re-lit reads the same letter with a stroke
 *    more where its field allows that letter (`relit`: fresh 550143's E read F), is not proven.
 *
 * Measured and dropped (session 43): the witnesses asked of every unchecked character chosen under
 * 0.97 as well, the reading refused when every witness read that character under the unchecked
 * bar (the ensemble's readings witnessed by the first classifier, as the engine confirms the first
 * classifier's doubtful glyphs by the ensemble). It refused fresh false accept 5401616 (a name's E
 * read C at 0.931, the first classifier C 0.722 / E 0.232), but also 3 of the bench's 284 right
 * reads and 3 of held-out 90000's 269, whose witnesses read the right letter at 0.46-0.90 (70161's
 * E: the witness F 0.76 / E 0.20).
 *
 * Measured and dropped (session 26): the classifier is over-confident on bands it reads poorly, but
 * a bar on that does not pay. On main's final readings whose check digits all pass (the 28
 * synthetic lists and 11 fresh sets), with the least unchecked character at 0.90-0.96 the reading
 * was wrong 2 times in 1,336 on bands whose mean first-choice probability (every position) is 0.98
 * or more, 4 in 107 at 0.97-0.98 and 6 in 49 under 0.97; an unchecked letter at 0.90-0.95 was wrong
 * 2 times in 1,188 there and 103 in 1,188 under 0.97. The unchecked bar raised by 0.05 under 0.97
 * refused fresh false accept 5020315 (DUPONT read OUPONT, the O at 0.930, band 0.956) for about 25
 * right frames (4 lost in the 14 lists counted before it was stopped: 340971, 350620, 350701,
 * 90279). On 3,000 frames rendered afterwards (seeds 5100000-5150000) it changed no status: main's
 * 5 false accepts there were on bands of 0.975-0.998. Fresh 600179 (band 0.965) was then read by
 * another cut averaging 0.975 with its M at 0.956. Nor does a text many looks refused before one
 * validates it tell a wrong reading: 82 of 734 right frames under 0.98 (30 of the lists) validated
 * after 10 or more refused readings of their text (600179, 5020315 and 620377 after 8-9).
 *
 * Tried and dropped (session 15): leaving out of the unlisted mass what the classifier gave
 * characters a position cannot hold even through a look-alike (3 in a name, H in a check digit),
 * both in the posterior's estimate for other characters and in the unchecked letters' shares. Frames:
 * bench 272 -> 273 (70069), held-out 170000 169 -> 170, the rest the same, 0 false accepts. But
 * replaying real glyph outputs into random documents (scripts/mrz/replay-stress.ts, 6000
 * documents): 1863 valid, 28 wrong (this code) -> 1944, 31 (new: name letters D->B, E->C, T->I);
 * in the posterior alone 1921, 30 (documents a doubtful check-digit field had blocked, validated
 * with a wrong name letter). On fresh via-band glyphs the letters' shares at >= 0.9 gained 4 right
 * first choices and 1 wrong (T read 1 at 0.898 beside 3).
 *
 * Session 16, wrong-but-valid risk (replay stress, 6000 documents, on the session-14 glyph cache of
 * seeds 720000 and on one of seeds 800000 written by this engine, with 3x as many wrong first
 * choices). Main 41bbd35: 1863 valid / 28 wrong and 297 / 15. The 28: 7 A read 6 (G) at 0.93 in
 * names, 5 D read B with 8 merged (0.92), 3 D read S, 2 E read C, D read 2 (Z), T read 1 (I), P read
 * F: names and the document code's second letter; 3 K read `<` at 0.999 (two names, one document
 * number's first character); 2 3 read 8 with X second (X passes: 30 apart); a visa optional 5 read 3
 * at 0.995; a TD1 optional-data pair. Kept: {@link INFERRED_LETTER_P} (28 -> 17, 1838 valid; 15 ->
 * 11, 292), the unlisted floor of the posterior (with it 17 / 1817 and 8 / 278) and 3/X and 4/E as
 * check-blind twins in {@link hiddenLookalikeSwap} (with them 15 / 1765 and 5 / 270). Frames: every
 * set read as main (bench 272/320, held-out 259/300, 169/200, 161/200, French 82/100, real 22/23,
 * 0 false accepts). Dropped (each on main alone; more in the session-16 report): a bar on every
 * unchecked letter (0.95: 10 and 9 wrong, but 1521 and 186 valid, and 36 frames lost), the same
 * without look-alike merges (0.9: 12 / 1517, 103 frames and 8 real samples), only 0 -> O mapped in letter fields (11 /
 * 1702, 12 frames), the bar also for letters the grammar or state list chose over the first choice
 * (same wrong, 1802 / 285 valid, fuzz test 590 -> 408 valid), K/`<` as check-blind twins (27 / 1723,
 * 4 frames; the K at 0.999 is above every bar), a floor of 0.5 instead of 0.25 (23 / 1752, 4
 * frames). Every pair 10, 20 or 30 apart as twins: 16 / 1346 and 4 / 179. Then (lead): a document
 * number starting with a filler is not valid (the K read `<`): 14 / 1764 and 5 / 270, frames as
 * before (replay of every frame's correctMrz inputs).
 * @module
 */
import { isKnownStateCode } from '../model/countries.ts';
import { CHECK_WEIGHTS, mrzCharValue, verifyCheckDigit } from './checkdigit.ts';
import { isDigit, shareOfKind } from './classify-alphabet.ts';
import { CLASS_CHARS, LAYOUTS, positionClasses, type MrzCharClass, type MrzLayout } from './formats.ts';
import { checksPassWith, interpretMrz, td1LongNumber, type MrzParseOptions } from './interpret.ts';
import type { CharAlternative, LineCandidates, MrzFormat, MrzResult } from './types.ts';

/** Minimum confidence for a corrected read to be reported valid (see module docs). */
export const MRZ_CONFIDENCE_THRESHOLD = 0.9;

/** Bar on the checked part's posterior for `valid` (step 6 of the module documentation). */
export const MRZ_CHECKED_THRESHOLD = MRZ_CONFIDENCE_THRESHOLD;

/** Bar on the least unchecked character's probability for `valid` (step 6). */
export const MRZ_UNCHECKED_THRESHOLD = MRZ_CONFIDENCE_THRESHOLD;

/** A runner-up passing combination this likely relative to the best makes the read ambiguous. */
export const AMBIGUITY_RATIO = 0.25;

/** Options of {@link correctMrz}. */
export interface MrzCorrectOptions extends MrzParseOptions {
  /** Confidence threshold for `valid` (default {@link MRZ_CONFIDENCE_THRESHOLD}). */
  threshold?: number;
  /** Bar on the checked part's posterior alone (default `threshold`, else {@link MRZ_CHECKED_THRESHOLD}). */
  checkedThreshold?: number;
  /** Bar on the least unchecked character alone (default `threshold`, else {@link MRZ_UNCHECKED_THRESHOLD}). */
  uncheckedThreshold?: number;
  /** Beam width of the check-digit search (default 64). */
  beamWidth?: number;
  /** Alternatives below this probability are ignored (default 0.005). */
  minAlternativeP?: number;
  /**
   * Calibration exponent for the classifier's probabilities (temperature scaling on the listed
   * alternatives: p -> p^sharpen, renormalised over the alphabet with the unlisted mass spread over
   * the unlisted characters). 1 (default) trusts the probabilities as given; a classifier that is
   * right far more often than its top probability says (under-confident) needs > 1. Fit it on
   * held-out synthetic frames (scripts/mrz/synth-calibrate.ts).
   */
  sharpen?: number;
  /**
   * Per line, per position: non-zero where the glyph is faded (the engine's `fadedGlyphs`). A letter
   * no check digit covers that is inferred from a digit there is never proven, however sure the
   * digit (see `INFERRED_LETTER_P`).
   */
  faded?: readonly ArrayLike<number>[];
  /**
   * Other classifiers' readings of the same glyphs (each shaped as the input lines), asked only for
   * a reading that nothing but a check-blind look-alike swap or an unchecked O or 0 refuses (step 6
   * of the module documentation): a swap every witness also gives odds under 1 in 99 is ruled out,
   * and an unchecked O or 0 every witness reads at `UNCHECKED_LOOKALIKE_P` (0.99) or more is proven.
   */
  witnesses?: () => readonly (readonly LineCandidates[])[];
  /**
   * Per line, per position: the letter the glyph reads re-lit where that is the read letter with a
   * stroke more, else '' (the engine's `relitLetters`: glare washed a stroke out). A letter no check
   * digit covers is not proven where its field allows that fuller letter.
   */
  relit?: readonly (readonly string[])[];
}

/**
 * Temperature-scales one position's alternatives (see {@link MrzCorrectOptions.sharpen}).
 * Alternatives stay sorted; the unlisted remainder keeps its share implicitly (sum < 1).
 */
export function sharpenAlternatives(pos: readonly CharAlternative[], gamma: number): CharAlternative[] {
  if (gamma === 1 || pos.length === 0) return [...pos];
  let listed = 0;
  for (const a of pos) listed += a.p > 0 && Number.isFinite(a.p) ? a.p : 0;
  const unlistedCount = Math.max(1, 37 - pos.length);
  const rest = Math.max(0, 1 - listed);
  const restEach = rest / unlistedCount;
  let z = unlistedCount * Math.pow(restEach, gamma);
  const powered = pos.map((a) => {
    const v = a.p > 0 && Number.isFinite(a.p) ? Math.pow(Math.min(1, a.p), gamma) : 0;
    z += v;
    return { ch: a.ch, p: v };
  });
  return z > 0 ? powered.map((a) => ({ ch: a.ch, p: a.p / z })) : powered;
}

/**
 * A character no check digit covers read with less probability than this is reported among the
 * result's `doubts` (as is a letter whose first choice was a digit: a name's D read 0 and mapped to
 * O at over 0.995, fresh 5020315). Measured (session 27, all 21,220 frames of the 28 tuned
 * synthetic lists and 17 fresh sets, readings unchanged): 23.2% of the 18,543 right reads have a
 * doubt (2.5% of the clean preset, 25.3% normal, 46.1% hard; one character in the median such
 * frame, five at the 90th percentile), and 4 of the 22 right reads of real samples; the wrong
 * character of 7 of the 8 false accepts on fresh frames is one (not 5150379's G read Q: a check
 * digit covers it, blind to that swap). At 0.99: about 19% of the right reads (letters read from
 * digits not counted), 6 of the 8. Session 28: checked characters whose twin the check digits
 * cannot see are doubts too under this bar (see solve): 5150379's G is one, so 8 of the 8; right
 * reads with a doubt 23.9% -> 25.0% on the bench, 24.3% -> 25.3% on 90000.
 */
export const MRZ_DOUBT_P = 0.995;

/**
 * A reading with this many {@link MRZ_DOUBT_P} doubts or more is not valid: so much of its text
 * rests on characters the classifier was unsure of that one of them being wrong, unseen by the
 * check digits, is no longer rare. Session 41, read by the engine before this bar: 11,920 synthetic
 * frames (the bench, held-out 90000, fresh 5020000, 5300000, 5400000, 5500000 and 5600000, and
 * 400 from 7700000). Of their 10,417 readings valid and right, 20 had 12 doubts or more (at most
 * 23); of the 9 valid but wrong, 3 had 16 (5020315 DUPONT read OUPONT, 5401753 the document code
 * PD read PO, 5502649 a visa's optional O read 0), the other 6 from 0 to 10. No valid reading of
 * the bench has more than 9. The bar was chosen before 5600000 and 7700000 were read: there 7
 * right readings had 12 or more and none wrong, so the three are all it is known to catch. With
 * `ZERO_AS_O_SHARE` (below), on the same frames: 10,417 -> 10,405 valid and right, 9 -> 5 false
 * accepts (bench 284 and held-out 90000 269 unchanged).
 */
export const MRZ_MAX_DOUBTS = 12;

/** Letter look-alikes of digits, for digits-only positions. */
const TO_DIGIT: Readonly<Record<string, string>> = {
  O: '0', Q: '0', D: '0', U: '0', I: '1', L: '1', J: '1', Z: '2', A: '4', S: '5', G: '6', T: '7', B: '8',
};
/** Digit look-alikes of letters, for letters-only positions. */
const TO_LETTER: Readonly<Record<string, string>> = {
  '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B',
};

/** Characters with a letter/digit look-alike (either map above). */
const LOOKALIKES: ReadonlySet<string> = new Set([...Object.keys(TO_DIGIT), ...Object.keys(TO_LETTER)]);

/**
 * Probability a character with a letter/digit look-alike needs, in a mixed field no check digit
 * covers (the optional data of MRV-A and MRV-B), for the read to be valid: the check digits cannot
 * tell O from 0 there, and the classifier's own probability for such pairs runs high on blurred
 * glyphs (a 0 at 0.95 for a printed O, bench seed 70299).
 */
export const UNCHECKED_LOOKALIKE_P = 0.99;

/**
 * Unchecked look-alikes (see {@link UNCHECKED_LOOKALIKE_P}) that the correctMrz `witnesses` can
 * prove: an O or 0 every witness (another classifier's reading of the same glyph) reads at
 * UNCHECKED_LOOKALIKE_P or more. Session 26: of main's exact readings refused at a confidence of
 * 0.9 or more (75 frames over 40 lists), 24 were refused by an unchecked look-alike, 17 of them
 * O and 0 alone (visa optional data); 6 read with this rule (410137, 440141, 530471, 540177,
 * bench 70060, fresh 5050060). Replay stress, 30000 documents per cache, MLP as witness: 8898 /
 * 104 -> 8909 / 104 and 1295 / 32 -> 1297 / 32 (CNN: 8756 / 103 -> 8765 / 103, 1272 / 31 the same).
 * Every look-alike vouched for so (not only O and 0) added a wrong read there: a visa's Z read 2
 * by both classifiers (MLP witness: +44 / +1). With {@link GQ_SWAP_ODDS}, all 40 lists (18,243
 * frames): 15,951 -> 15,972 read, none lost, no false accept added; paired median 0.990 Chromium,
 * 0.999 Node.
 */
const VOUCHABLE: ReadonlySet<string> = new Set(['O', '0']);

/**
 * True when every witness (there is one at least) reads each of `positions`' characters of `lines`
 * at {@link UNCHECKED_LOOKALIKE_P} or more.
 */
function vouchedBy(witnesses: readonly (readonly LineCandidates[])[], lines: readonly string[], positions: readonly [number, number][]): boolean {
  if (positions.length === 0) return true;
  if (witnesses.length === 0) return false;
  return positions.every(([l, c]) => witnesses.every((w) => ((w[l] as LineCandidates | undefined)?.[c] ?? []).some((x) => x.ch === (lines[l] as string)[c] && x.p >= UNCHECKED_LOOKALIKE_P)));
}

/**
 * Probability an unchecked letter (name, state, document code) needs when the classifier's first
 * choice there was a digit other than 0, mapped to its letter look-alike (6 -> G, 8 -> B, ...). On
 * via-band glyphs of letters (glyph caches of seeds 720000 and 800000), a digit first choice mapped
 * to the right letter only for 0 -> O with any regularity (42 of 60); 1, 2, 4, 5, 6, 7 and 8 mapped
 * right 14 times in 138 (an A read 6 at 0.93 became G in 7 of the replay stress's 28 wrong reads).
 * `O` for a first-choice 0 keeps the ordinary threshold but needs {@link ZERO_AS_O_SHARE}. On a
 * faded glyph (the `faded` option) no probability is enough: glare took the bowl of fresh frame
 * 530180's document-code D, every classifier read the stem 1 (the ensemble at 0.997), and PI was
 * reported valid for PD.
 */
export const INFERRED_LETTER_P = 0.97;

/**
 * Share an O inferred from a first-choice 0 needs among the letters, filler and unlisted mass of
 * its list (`shareOfKind`) in a letters-only field other than a state code (there the list of
 * known codes decides: COL's O read 0 beside S), for the read to be valid. The 0 itself says
 * the glyph is round, not which round letter: mapped, it lent its whole probability to O (a D read
 * 0 at 0.998 with nothing else listed became O at 0.998: fresh frame 5601170, DUPONT reported valid
 * as OUPONT; 5020315 and 5401753 were D read O alike). Session 41, on 12 via-band glyph files
 * (train-data-true.ts, seeds 9400000-9950000, one all hand-shake), the 308 letter glyphs as cut
 * that the shipped MLP read 0 first: O in 112 of 114 at a share of 0.9 or more, 48 of 55 at
 * 0.5-0.9, 50 of 139 under 0.5 (the rest D, I, S, M, U, C, ...); the 163 the CNN + MLP ensemble
 * read 0 first: 84 of 84, 30 of 39, 26 of 60. On frames, beside MRZ_MAX_DOUBTS
 * (fresh 5020000, 5300000, 5400000, 5500000, 8,200 frames): 5 right readings fewer valid (4 of them
 * read later from a look with 12 doubts or more), no false accept more or fewer; on 5600000 it
 * refused 5601170.
 */
export const ZERO_AS_O_SHARE = 0.9;

/**
 * The posterior counts characters outside a checked position's alternatives with at least this
 * share of the doubt (1 - first choice): on via-band glyphs with a first choice below 0.9, the
 * truth was not listed 2 to 4 times as often as the unlisted mass says (seeds 800000: 5.6% at first
 * choice 0.8-0.9 against 1.5% unlisted mass).
 */
const UNLISTED_FLOOR = 0.25;

interface Alt {
  ch: string;
  p: number;
}

/** Restricts one position's alternatives to a class, mapping look-alikes; sorted, pruned. */
export function restrictAlternatives(cands: readonly CharAlternative[], cls: MrzCharClass, minP = 0.005): Alt[] {
  const allowed = CLASS_CHARS[cls];
  const toDigits = cls === 'digit' || cls === 'digitOrFiller';
  const toLetters = cls === 'alpha' || cls === 'sex';
  const out: Alt[] = [];
  for (let i = 0; i < cands.length; i++) {
    const a = cands[i] as CharAlternative;
    let ch = a.ch;
    if (allowed.indexOf(ch) < 0 || ch.length !== 1) {
      const mapped = toDigits ? TO_DIGIT[ch] : toLetters ? TO_LETTER[ch] : undefined;
      if (mapped === undefined || allowed.indexOf(mapped) < 0) continue;
      ch = mapped;
    }
    const p = a.p > 0 ? (a.p < 1 ? a.p : 1) : 0; // also maps NaN to 0
    let merged = false;
    for (let j = 0; j < out.length; j++) {
      const o = out[j] as Alt;
      if (o.ch === ch) {
        o.p = Math.min(1, o.p + p);
        merged = true;
        break;
      }
    }
    if (!merged) out.push({ ch, p });
  }
  if (out.length > 1) out.sort((x, y) => y.p - x.p);
  let n = 1;
  while (n < out.length && n < 5 && (out[n] as Alt).p >= minP) n++;
  out.length = Math.min(out.length, n);
  return out;
}

interface Hyp {
  s: string;
  lp: number;
  /** Packed running check sums (4 bits each) and non-filler flags (bit 20 + check id). */
  acc: number;
}

interface Solved {
  format: MrzFormat;
  lines: string[];
  confidence: number;
  /** The checked part's posterior (0 when a check fails); `confidence` is min(this, minUnchecked). */
  posterior: number;
  /** Lowest chosen probability of any position no check digit covers (or covered only for FRA_ID's letters). */
  minUnchecked: number;
  ambiguous: boolean;
  forced: boolean;
  allChecksPass: boolean;
  corrections: [number, number][];
  /** Unsure characters no check digit covers (see {@link MRZ_DOUBT_P}). */
  doubts: [number, number][];
  /**
   * Refused only by a check-blind swap (see hiddenLookalikeSwap) or unchecked O and 0 (see
   * {@link VOUCHABLE}) so far: true when the witnesses still leave it refused.
   */
  refusedWith?: (witnesses: readonly (readonly LineCandidates[])[]) => boolean;
}

/** A check as evaluated during the search. */
interface Ck {
  digitIdx: number;
  filler: boolean;
  custom?: (s: string) => boolean;
}

/** Per-format search plan (depends on the layout only; built once). */
interface Plan {
  classes: MrzCharClass[][];
  W: number;
  key: (l: number, c: number) => number;
  order: number[];
  cks: Ck[];
  contrib: [number, number][][];
  readyAt: number[][];
  afterTwo: boolean[];
  groupOf: Map<number, number>;
}

const PLANS = new Map<MrzFormat, Plan>();

/**
 * Which own check digit covers each checked position of one reading. In TD1 the plan gives the
 * document number's group all of line 1's positions 6-30, for the long layout; but the optional
 * data after an ordinary number, or after a long number's check digit, has only the composite.
 * Counted in the document number's group, a correction there hid a second correction under the
 * composite alone (fresh frame 360040: an optional-data I read T and the composite's 8 read 5
 * passed together, reported valid).
 */
function ownCheckOf(plan: Plan, format: MrzFormat, line0: readonly string[]): ReadonlyMap<number, number> {
  if (format !== 'TD1') return plan.groupOf;
  const long = td1LongNumber([line0.join('')]);
  // Line 1's indices from `end` on are the composite's only: 15, or past the continuation and its check digit.
  const end = long ? 7 + long.number.length : 15;
  const own = new Map(plan.groupOf);
  for (let c = end; c < 30; c++) own.delete(plan.key(0, c));
  return own;
}

/**
 * Search order of the checked positions and the check evaluators. Each standard check keeps a
 * running weighted sum (mod 10) packed in 4 bits of `acc`, plus a "non-filler seen" bit, so a
 * hypothesis costs one string and one number.
 */
function planFor(format: MrzFormat): Plan {
  const cached = PLANS.get(format);
  if (cached) return cached;
  const layout = LAYOUTS[format];
  const classes = positionClasses(layout);
  const W = layout.lineLength;
  const key = (l: number, c: number): number => l * W + c;
  // --- Checked positions: order and check evaluators.
  const order: number[] = [];
  const indexOf = new Map<number, number>();
  const add = (k: number): void => {
    if (!indexOf.has(k)) {
      indexOf.set(k, order.length);
      order.push(k);
    }
  };
  const cks: Ck[] = [];
  const contrib: [number, number][][] = []; // per order index: [check id, weight]
  for (const ck of layout.checks) {
    if (format === 'TD1' && ck.name === 'documentNumber') {
      for (let c = 5; c < 30; c++) add(key(0, c));
      const idx = Array.from({ length: 25 }, (_, i) => indexOf.get(key(0, 5 + i)) as number);
      cks.push({
        digitIdx: Math.max(...idx),
        filler: false,
        custom: (s) => {
          const l0 = '<<<<<' + idx.map((i) => s[i]).join('');
          if (l0[14] === '<' && l0[15] !== '<') {
            const opt = l0.slice(15, 30);
            const end = opt.indexOf('<');
            const cont = end < 0 ? opt : opt.slice(0, end);
            return verifyCheckDigit(l0.slice(5, 14) + cont.slice(0, -1), cont.slice(-1));
          }
          return verifyCheckDigit(l0.slice(5, 14), l0[14] ?? '');
        },
      });
      continue;
    }
    const id = cks.length;
    let n = 0;
    for (const sp of ck.covers) {
      for (let c = sp.start; c < sp.end; c++) {
        add(key(sp.line, c));
        const oi = indexOf.get(key(sp.line, c)) as number;
        (contrib[oi] ??= []).push([id, CHECK_WEIGHTS[n % 3] as number]);
        n++;
      }
    }
    add(key(ck.line, ck.pos));
    cks.push({ digitIdx: indexOf.get(key(ck.line, ck.pos)) as number, filler: ck.fillerWhenEmpty });
  }
  // Ready step of each check: its last dependency in search order.
  const readyAt: number[][] = order.map(() => []);
  cks.forEach((ck, id) => {
    let last = ck.digitIdx;
    contrib.forEach((list, oi) => {
      if (list?.some(([j]) => j === id)) last = Math.max(last, oi);
    });
    (readyAt[last] as number[]).push(id);
  });
  // Positions of mixed fields whose two predecessors in search order are the same field's previous
  // positions: data right after `<<` inside a field is implausible (fillers pad at the end).
  const afterTwo: boolean[] = order.map((k, i) => {
    if (i < 2) return false;
    const l = Math.floor(k / W);
    const c = k % W;
    const fs = layout.fields.find((f) => f.line === l && c >= f.start + 2 && c < f.end && f.cls === 'alnum');
    return fs !== undefined && order[i - 1] === k - 1 && order[i - 2] === k - 2;
  });

  // Which own check digit may cover a position (the composite-only positions are absent; TD1's
  // optional data is narrowed per reading by `ownCheckOf`).
  const groupOf = new Map<number, number>();
  layout.checks.forEach((ck, ci) => {
    if (ck.name === 'composite') return;
    const keys = ck.covers.flatMap((sp) => Array.from({ length: sp.end - sp.start }, (_, i) => key(sp.line, sp.start + i)));
    if (format === 'TD1' && ck.name === 'documentNumber') for (let c = 5; c < 30; c++) keys.push(key(0, c));
    keys.push(key(ck.line, ck.pos));
    for (const kk of keys) if (!groupOf.has(kk)) groupOf.set(kk, ci);
  });
  const plan: Plan = { classes, W, key, order, cks, contrib, readyAt, afterTwo, groupOf };
  PLANS.set(format, plan);
  return plan;
}

function solve(format: MrzFormat, cands: readonly LineCandidates[], opts: Required<Pick<MrzCorrectOptions, 'beamWidth' | 'minAlternativeP' | 'sharpen'>> & Pick<MrzCorrectOptions, 'faded' | 'relit'> & { allowSpecimen: boolean }): Solved | null {
  const layout: MrzLayout = LAYOUTS[format];
  if (cands.length !== layout.lineCount || cands.some((l) => l.length !== layout.lineLength)) return null;
  const plan = planFor(format);
  const { classes, W, key, order, cks, contrib, readyAt, afterTwo } = plan;
  let forced = false;
  // Restricted alternatives per position.
  const sharp: (readonly CharAlternative[])[][] = opts.sharpen === 1 ? (cands as CharAlternative[][][]) : cands.map((line) => line.map((pos) => sharpenAlternatives(pos, opts.sharpen)));
  const alts: Alt[][][] = sharp.map((line, li) =>
    line.map((pos, ci) => {
      const r = restrictAlternatives(pos, (classes[li] as MrzCharClass[])[ci] as MrzCharClass, opts.minAlternativeP);
      if (r.length > 0) return r;
      forced = true; // nothing allowed here: keep the raw top choice with probability 0
      return [{ ch: pos[0]?.ch ?? '<', p: 0 }];
    }),
  );
  const chosen: string[][] = alts.map((line) => line.map((a) => (a[0] as Alt).ch));
  const chosenP: number[][] = alts.map((line) => line.map((a) => (a[0] as Alt).p));

  const passes = (h: Hyp, id: number): boolean => {
    const ck = cks[id] as Ck;
    if (ck.custom) return ck.custom(h.s);
    const d = h.s[ck.digitIdx] as string;
    if (d === '<') return ck.filler && ((h.acc >>> (20 + id)) & 1) === 0;
    return ((h.acc >>> (4 * id)) & 15) === d.charCodeAt(0) - 48;
  };

  // FRA_ID: the composite also covers code, state, names and sex, about which one check digit says
  // little (K and `<` differ by 20, a multiple of 10). They are chosen first by the rules they follow
  // in the ICAO formats, where no check digit covers them, and enter the search fixed: the posterior
  // then measures the number and date fields, and the composite must still pass with those letters.
  const fixed = new Set<number>();
  let beamAlts = alts;
  if (format === 'FRA_ID') {
    const pre = prechooseLetterFields(layout, alts, opts.allowSpecimen);
    if (pre.forced) forced = true;
    for (const k of pre.chars.keys()) fixed.add(k);
    beamAlts = alts.map((line, l) => line.map((a, c) => {
      const ch = pre.chars.get(key(l, c));
      return ch === undefined ? a : [{ ch, p: 1 }];
    }));
  }

  // --- Beam search.
  let beam: Hyp[] = [{ s: '', lp: 0, acc: 0 }];
  let droppedMass = 0;
  for (let step = 0; step < order.length; step++) {
    const k = order[step] as number;
    const a = (beamAlts[Math.floor(k / W)] as Alt[][])[k % W] as Alt[];
    const cl = contrib[step];
    const ready = readyAt[step] as number[];
    let next: Hyp[] = [];
    for (const h of beam) {
      for (const alt of a) {
        let acc = h.acc;
        if (cl) {
          const v = mrzCharValue(alt.ch);
          for (const [id, w] of cl) {
            const sh = 4 * id;
            const sum = (((acc >>> sh) & 15) + v * w) % 10;
            acc = (acc & ~(15 << sh)) | (sum << sh);
            if (alt.ch !== '<') acc |= 1 << (20 + id);
          }
        }
        let lp = h.lp + Math.log(Math.max(alt.p, 1e-12));
        if (afterTwo[step] && alt.ch !== '<' && h.s.charCodeAt(step - 1) === 60 && h.s.charCodeAt(step - 2) === 60) lp += FILLER_RUN_PENALTY;
        const nh: Hyp = { s: h.s + alt.ch, lp, acc };
        if (ready.length && !ready.every((id) => passes(nh, id))) continue;
        next.push(nh);
      }
    }
    if (next.length > opts.beamWidth) {
      next.sort((x, y) => y.lp - x.lp);
      for (let i = opts.beamWidth; i < next.length; i++) droppedMass += Math.exp((next[i] as Hyp).lp);
      next = next.slice(0, opts.beamWidth);
    }
    beam = next;
    if (beam.length === 0) break;
  }

  let confidence = 1;
  let checkedPosterior = 0;
  let ambiguous = false;
  let overCorrected = false;
  const allChecksPass = beam.length > 0;
  if (allChecksPass) {
    beam.sort((x, y) => y.lp - x.lp);
    const best = beam[0] as Hyp;
    const pBest = Math.exp(best.lp);
    let passMass = 0;
    for (const h of beam) passMass += Math.exp(h.lp);
    // Characters outside the alternatives could also pass (about 1 in 10 per check digit).
    let otherTerm = 0;
    for (let i = 0; i < order.length; i++) {
      const k = order[i] as number;
      const a = (beamAlts[Math.floor(k / W)] as Alt[][])[k % W] as Alt[];
      const ch = best.s[i] as string;
      const q = a.find((x) => x.ch === ch)?.p ?? 0;
      const other = Math.max(0, 1 - a.reduce((t, x) => t + x.p, 0), UNLISTED_FLOOR * (1 - (a[0] as Alt).p));
      if (q > 0) otherTerm += (other / q) * 0.1;
    }
    const posterior = pBest / (passMass + droppedMass * 0.1 + pBest * otherTerm);
    confidence = Math.min(confidence, posterior);
    checkedPosterior = posterior;
    const runnerUp = beam[1];
    if (runnerUp && Math.exp(runnerUp.lp) >= AMBIGUITY_RATIO * pBest) ambiguous = true;
    for (let i = 0; i < order.length; i++) {
      const k = order[i] as number;
      const ch = best.s[i] as string;
      const l = Math.floor(k / W);
      const c = k % W;
      (chosen[l] as string[])[c] = ch;
      (chosenP[l] as number[])[c] = ((alts[l] as Alt[][])[c] as Alt[]).find((x) => x.ch === ch)?.p ?? 0;
    }
    // A check digit proves at most one correction in the positions it alone covers, and only to an
    // alternative the classifier gave a real chance.
    const groupOf = ownCheckOf(plan, format, chosen[0] as string[]);
    const perGroup = new Map<number, number>();
    for (const k of order) {
      const l = Math.floor(k / W);
      const c = k % W;
      const a = (alts[l] as Alt[][])[c] as Alt[];
      if (fixed.has(k) || (chosen[l] as string[])[c] === (a[0] as Alt).ch) continue;
      const g = groupOf.get(k) ?? -1; // -1: covered by the composite only
      perGroup.set(g, (perGroup.get(g) ?? 0) + 1);
      if (((chosenP[l] as number[])[c] as number) < MIN_CORRECTION_P) overCorrected = true;
    }
    for (const n of perGroup.values()) if (n > 1) overCorrected = true;
    // One check digit vouches for at most two doubtful characters of its own field: with three,
    // a wrong combination passes one time in ten, and only the classifier's odds at each doubt
    // (overconfident on blur) separate it from the truth.
    const doubts = new Map<number, number>();
    for (const k of order) {
      const g = groupOf.get(k);
      if (g === undefined || fixed.has(k)) continue;
      if (((chosenP[Math.floor(k / W)] as number[])[k % W] as number) < DOUBTFUL_P) doubts.set(g, (doubts.get(g) ?? 0) + 1);
    }
    for (const n of doubts.values()) if (n > 2) overCorrected = true;
  } else {
    confidence = 0;
  }

  // --- Unchecked fields.
  const checked = new Set(order);
  const fieldOf = (name: string): { line: number; start: number; end: number } | undefined => layout.fields.find((f) => f.field === name);
  // Fields that only the FRA_ID composite covers (code, state, names, sex): the beam chose their
  // characters, and they must also clear the classifier-alone rules they meet in the ICAO
  // formats, where no check digit covers them (one composite digit over 71 characters proves little).
  const classifierRule = new Set<number>();
  const isChecked = (fs: { line: number; start: number; end: number }): boolean => checked.has(key(fs.line, fs.start));
  const markClassifierRule = (fs: { line: number; start: number; end: number }): void => {
    for (let c = fs.start; c < fs.end; c++) classifierRule.add(key(fs.line, c));
  };
  const chosenAltP = (l: number, c: number): number => ((alts[l] as Alt[][])[c] as Alt[]).find((x) => x.ch === (chosen[l] as string[])[c])?.p ?? 0;
  // States: most probable known code among the alternatives; each letter's probability is taken
  // among the alternatives that keep the code known.
  const stateCodes = new Set<number>();
  for (const name of ['issuingState', 'nationality'] as const) {
    const fs = fieldOf(name);
    if (!fs) continue;
    for (let i = 0; i < 3; i++) stateCodes.add(key(fs.line, fs.start + i));
    const pos = [0, 1, 2].map((i) => ((alts[fs.line] as Alt[][])[fs.start + i] as Alt[]).slice(0, 4));
    if (isChecked(fs)) {
      // Keep the beam's code (the composite covers it); interpretMrz rejects an unknown one.
      markClassifierRule(fs);
      const chars = [0, 1, 2].map((i) => (chosen[fs.line] as string[])[fs.start + i] as string);
      const post = constrainedPosteriors(pos, chars, chars.map((_, i) => chosenAltP(fs.line, fs.start + i)), (t) => isKnownStateCode(t.join(''), { allowSpecimen: opts.allowSpecimen }));
      for (let i = 0; i < 3; i++) (chosenP[fs.line] as number[])[fs.start + i] = post[i] as number;
      continue;
    }
    const best = bestKnownCode(pos, opts.allowSpecimen);
    if (best) {
      const chars = [...best.code];
      const post = constrainedPosteriors(pos, chars, best.ps, (t) => isKnownStateCode(t.join(''), { allowSpecimen: opts.allowSpecimen }));
      for (let i = 0; i < 3; i++) {
        (chosen[fs.line] as string[])[fs.start + i] = chars[i] as string;
        (chosenP[fs.line] as number[])[fs.start + i] = post[i] as number;
      }
    }
  }
  // Names: most probable spelling that follows the ICAO name grammar. FRA_ID's two name spans
  // (the composite covers them): the beam's spelling, which must follow the name-list grammar.
  for (const fs of layout.fields) {
    if ((fs.field !== 'surname' && fs.field !== 'givenNames') || !isChecked(fs)) continue;
    markClassifierRule(fs);
    const nameAlts = (alts[fs.line] as Alt[][]).slice(fs.start, fs.end);
    const chars = (chosen[fs.line] as string[]).slice(fs.start, fs.end);
    if (!isNameList(chars)) {
      forced = true;
      continue;
    }
    const post = constrainedPosteriors(nameAlts, chars, chars.map((_, i) => chosenAltP(fs.line, fs.start + i)), isNameList);
    for (let i = 0; i < chars.length; i++) (chosenP[fs.line] as number[])[fs.start + i] = post[i] as number;
  }
  {
    const fs = fieldOf('name');
    if (fs) {
      const nameAlts = ((alts[fs.line] as Alt[][]).slice(fs.start, fs.end));
      const best = bestGrammaticalName(nameAlts);
      if (best) {
        // Probability of the chosen letter among the alternatives that keep the name well formed.
        const post = constrainedPosteriors(nameAlts, best.chars, best.ps, isGrammaticalName);
        for (let i = 0; i < best.chars.length; i++) {
          (chosen[fs.line] as string[])[fs.start + i] = best.chars[i] as string;
          (chosenP[fs.line] as number[])[fs.start + i] = post[i] as number;
        }
      } else {
        forced = true; // no spelling from the alternatives is a well-formed name
      }
    }
  }
  // Sex: M, F or `<` (X for a few states), three shapes the classifier does not confuse with each
  // other; an alternative outside them (H for M, say) says nothing for another sex, so the chosen
  // one's probability is taken among the allowed alternatives and the unlisted mass.
  {
    const fs = fieldOf('sex');
    if (fs) {
      const a = (alts[fs.line] as Alt[][])[fs.start] as Alt[];
      const raw = (sharp[fs.line] as (readonly CharAlternative[])[])[fs.start] ?? [];
      let rawListed = 0;
      for (const x of raw) rawListed += x.p > 0 && x.p <= 1 ? x.p : 0;
      const kept = a.reduce((t, x) => t + x.p, 0);
      // FRA_ID: the beam chose it (the composite covers it); elsewhere the top allowed one.
      if (isChecked(fs)) markClassifierRule(fs);
      const p = isChecked(fs) ? chosenAltP(fs.line, fs.start) : (a[0] as Alt).p;
      (chosenP[fs.line] as number[])[fs.start] = p / Math.max(1e-12, kept + Math.max(0, 1 - rawListed));
    }
  }
  // Document code: first letter must fit the format (FRA_ID: the beam's, covered by the composite).
  {
    const a = (alts[0] as Alt[][])[0] as Alt[];
    const code = fieldOf('documentCode');
    const beamCode = code && isChecked(code);
    if (code && beamCode) markClassifierRule(code);
    const ok = beamCode ? a.find((x) => x.ch === (chosen[0] as string[])[0] && layout.codeFirst.includes(x.ch)) : a.find((x) => layout.codeFirst.includes(x.ch));
    if (ok) {
      (chosen[0] as string[])[0] = ok.ch;
      (chosenP[0] as number[])[0] = (constrainedPosteriors([a], [ok.ch], [ok.p], (t) => layout.codeFirst.includes(t[0] as string))[0] as number);
    }
  }
  let minUnchecked = 1;
  let unprovenLookalike = false;
  const doubts: [number, number][] = [];
  // Unchecked O and 0 the classifier is not sure enough of: the witnesses may prove them (see VOUCHABLE).
  const vouchable: [number, number][] = [];
  for (let l = 0; l < layout.lineCount; l++) {
    for (let c = 0; c < W; c++) {
      if (checked.has(key(l, c)) && !classifierRule.has(key(l, c))) continue;
      const p = (chosenP[l] as number[])[c] as number;
      minUnchecked = Math.min(minUnchecked, p);
      // A mixed field no check digit covers (visa optional data) may hold a letter or its digit
      // look-alike: only the classifier tells O from 0 there, so it must be nearly certain.
      if ((classes[l] as MrzCharClass[])[c] === 'alnum' && p < UNCHECKED_LOOKALIKE_P && LOOKALIKES.has((chosen[l] as string[])[c] as string)) {
        if (VOUCHABLE.has((chosen[l] as string[])[c] as string)) vouchable.push([l, c]);
        else unprovenLookalike = true;
      }
      // A letter no check digit covers whose first choice was a digit (other than 0 for O) was
      // inferred through the look-alike map, not read: see INFERRED_LETTER_P.
      const rawTop = (cands[l] as LineCandidates)[c]?.[0]?.ch;
      if ((chosen[l] as string[])[c] !== '<' && (p < MRZ_DOUBT_P || ((classes[l] as MrzCharClass[])[c] === 'alpha' && rawTop !== undefined && isDigit(rawTop)))) doubts.push([l, c]);
      const inferredBar = opts.faded?.[l]?.[c] ? Infinity : INFERRED_LETTER_P;
      if ((classes[l] as MrzCharClass[])[c] === 'alpha' && p < inferredBar && rawTop !== undefined && rawTop !== '0' && TO_LETTER[rawTop] === (chosen[l] as string[])[c]) unprovenLookalike = true;
      // An O inferred from a 0 must hold its own among the letters (see ZERO_AS_O_SHARE), but in a
      // state code, where the list of known codes chose it.
      if ((classes[l] as MrzCharClass[])[c] === 'alpha' && rawTop === '0' && (chosen[l] as string[])[c] === 'O' && !stateCodes.has(key(l, c)) && shareOfKind((cands[l] as LineCandidates)[c] ?? [], 'O') < ZERO_AS_O_SHARE) unprovenLookalike = true;
      // A glyph that reads a fuller letter re-lit may be that letter with a stroke washed out.
      const fuller = opts.relit?.[l]?.[c];
      if (fuller && fuller !== (chosen[l] as string[])[c] && CLASS_CHARS[(classes[l] as MrzCharClass[])[c] as MrzCharClass].includes(fuller)) unprovenLookalike = true;
    }
  }
  confidence = Math.min(confidence, minUnchecked);
  // A document number is left-aligned, so it never starts with a filler; its check digit cannot
  // see a K read `<` there (20 apart, weight 7 in the first place: the replay stress had one at 0.999).
  const docNumber = fieldOf('documentNumber');
  if (docNumber && (chosen[docNumber.line] as string[])[docNumber.start] === '<') unprovenLookalike = true;

  const lines = chosen.map((l) => l.join(''));
  // Checked characters whose look-alike twin no check digit can see (G and Q, G and 6, E and 4: 10
  // apart) are doubts too when the classifier was not nearly sure (fresh 5150379 read a G as Q).
  for (const k of order) {
    const l = Math.floor(k / W);
    const c = k % W;
    // (Positions of the classifier-alone rules were weighed in the loop above.)
    if (classifierRule.has(k) || (classes[l] as MrzCharClass[])[c] !== 'alnum' || ((chosenP[l] as number[])[c] as number) >= MRZ_DOUBT_P) continue;
    const twins = TWINS[(lines[l] as string)[c] as string] ?? [];
    if (twins.some((twin) => checksPassWith(layout, lines, [{ l, c, twin }]))) doubts.push([l, c]);
  }
  doubts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let refusedWith: Solved['refusedWith'];
  if (allChecksPass && !unprovenLookalike) {
    const swap = hiddenLookalikeSwap(layout, classes, alts, lines, chosenP, order);
    if (swap || vouchable.length > 0) {
      unprovenLookalike = true;
      if (!ambiguous && !overCorrected) refusedWith = (w) => (swap && hiddenLookalikeSwap(layout, classes, alts, lines, chosenP, order, w)) || !vouchedBy(w, lines, vouchable);
    }
  } else if (vouchable.length > 0) unprovenLookalike = true;
  const corrections: [number, number][] = [];
  for (let l = 0; l < layout.lineCount; l++) {
    for (let c = 0; c < W; c++) {
      const raw = (cands[l] as LineCandidates)[c]?.[0]?.ch;
      if (raw !== (lines[l] as string)[c]) corrections.push([l, c]);
    }
  }
  const solved: Solved = { format, lines, confidence, posterior: checkedPosterior, minUnchecked, ambiguous: ambiguous || overCorrected || unprovenLookalike, forced, allChecksPass, corrections, doubts };
  if (refusedWith) solved.refusedWith = refusedWith;
  return solved;
}

/**
 * Characters OCR-B glyphs are read as each other (MRZ-NOTES), both ways, in mixed fields; and 3/X
 * and 4/E, 30 and 10 apart, that the replay stress showed read for each other with the truth
 * unlisted (a 3 read 8 0.56 / X 0.30; a 4 read 8 / S / E 0.17). A U, 30 from 0 (session 20): a
 * fresh synthetic frame (seed 310252, TD2, a small band) read document number Q98U21613 for
 * Q98021613, every look U at 0.64-0.83 with 0 second, and was reported valid at 0.9545 (digit
 * fields map U to 0 for the same likeness). Only this way round: a doubtful 0 with U as its twin
 * would need the unlisted mass ruled out too, which refused the corrections of O to 0 the
 * check digits prove. S with 8 too (20 apart), only this way round as U: tried and dropped in
 * session 20 (two frames fewer valid, bench 70004 and fresh 260036, no false accept seen); added
 * in session 22, when fresh frame 420051 (TD3, hard preset) read document number R853847028 as
 * RS53S47028, the two S at 0.925 and 0.874 with 8 at 0.004 and 0.017, and was reported valid.
 * A C for 0 or O, only this way round (as U): an oval whose right side glare or blur took (fresh
 * 410083 read ROBERT's O as C). Fresh 5402495 (TD3, horizontal blur) read document number
 * 4278723001 as 4278723CO1, the C at 0.818 with 0 unlisted and the O the check digit's correction
 * of a 0 read at 0.833 (C at weight 3 and O at weight 1 add 60), and was reported valid.
 * Session 43, the 11,920 frames of MRZ_MAX_DOUBTS: 5402495 is refused, no other frame's status
 * changed (10,405 valid and right), real samples unchanged.
 */
const TWINS: Readonly<Record<string, readonly string[]>> = {
  O: ['0'], '0': ['O'], U: ['0'], I: ['1'], '1': ['I'], Z: ['2'], '2': ['Z'], S: ['5', '8'], '5': ['S'], B: ['8'], '8': ['B'], G: ['6', 'Q'], '6': ['G'], Q: ['G'],
  '3': ['X'], X: ['3'], '4': ['E'], E: ['4'], C: ['0', 'O'],
};

/**
 * Odds at which a G/Q swap (26 - 16 = 10: never seen by a check digit) refuses a reading in
 * {@link hiddenLookalikeSwap}, where every other twin refuses at 1 in 99. The G/Q twin came from a
 * fine-tuned net's false accept at a share of 5.05% of the passing mass (odds about 1 in 19, session
 * 10; that net was never shipped). Session 26: the G/Q swap was the refusal of 17 of the 75 exact
 * readings main refused at a confidence of 0.9 or more (40 lists), Q read at 0.81-0.99 with G
 * at odds of 1 in 90 to 1 in 10, and the other classifier doubting alike. Replay stress, 30000
 * documents per cache: at 1 in 30, 8898 / 104 -> 8962 / 104 and 1295 / 32 -> 1296 / 32 (MLP witness;
 * CNN: 8756 / 103 -> 8776 / 103, 1272 / 31 -> 1275 / 31); at 1 in 20 the same wrong counts. Every
 * twin at 1 in 30 added wrong reads there (+4 / +3): readings the swap refused for a twin doubt with
 * a name letter wrong elsewhere (P read F, K read `<`). Frames: 10 of the 17 read (bench 70049,
 * 90065, 310276, 440195, 450357, 560369, 590478, 630385, fresh 5010241, 5020188; 320227, refused
 * at U/0 on main, by another of its readings); with {@link VOUCHABLE}, all 40 lists: 15,951 ->
 * 15,972, no false accept added.
 */
const GQ_SWAP_ODDS = 1 / 30;

const GQ: ReadonlySet<string> = new Set(['G', 'Q']);

/** Most uncertain look-alike swaps tried by {@link hiddenLookalikeSwap} (pairs grow quadratically). */
const MAX_SWAPS = 8;

/**
 * True when swapping one or two uncertain look-alikes in the checked mixed fields (document
 * number, personal number) for their twins keeps every check digit passing, and the classifier
 * alone does not rule that reading out. The check digits cannot tell such readings apart: O (24)
 * and 0 (0) at weights 3 and 7 add 240 to the sum, and G (16) for 6 or Q (26) always adds a
 * multiple of 10. The swapped reading's odds against the chosen one are taken as the product, over
 * the swapped positions, of (the twin's probability + the mass of characters not listed) / the
 * chosen one's; like a look-alike no check digit covers ({@link UNCHECKED_LOOKALIKE_P}), they must
 * stay under 1 in 99 (a G/Q swap's under {@link GQ_SWAP_ODDS}, its odds counted in units of that
 * bar). Seen on held-out frame 90115: `2O4397O61` for `204397061`, O at 0.55 and 0.93 with 0 at
 * 0.45 and 0.07 (odds 1 in 16), reported valid. With `witnesses`, a swap counts only when some
 * witness's own odds for it (the same product over its positions) are 1 in 99 or more too.
 */
function hiddenLookalikeSwap(layout: MrzLayout, classes: readonly MrzCharClass[][], alts: readonly (readonly (readonly Alt[])[])[], lines: readonly string[], chosenP: readonly number[][], order: readonly number[], witnesses: readonly (readonly LineCandidates[])[] = []): boolean {
  const W = layout.lineLength;
  const maxOdds = (1 - UNCHECKED_LOOKALIKE_P) / UNCHECKED_LOOKALIKE_P;
  const doubt: { l: number; c: number; twin: string; odds: number; seen: number[] }[] = [];
  for (const k of order) {
    const l = Math.floor(k / W);
    const c = k % W;
    const twins = TWINS[(lines[l] as string)[c] as string];
    const p = (chosenP[l] as number[])[c] as number;
    if ((classes[l] as MrzCharClass[])[c] !== 'alnum' || twins === undefined || p >= UNCHECKED_LOOKALIKE_P) continue;
    const a = (alts[l] as Alt[][])[c] as Alt[];
    const unlisted = Math.max(0, 1 - a.reduce((t, x) => t + x.p, 0));
    for (const twin of twins) {
      // Odds in units of the bar: a G/Q swap is weighed against its own (see GQ_SWAP_ODDS).
      const scale = GQ.has(twin) && GQ.has((lines[l] as string)[c] as string) ? maxOdds / GQ_SWAP_ODDS : 1;
      const seen = witnesses.map((w) => scale * swapOdds((w[l] as LineCandidates | undefined)?.[c] ?? [], (lines[l] as string)[c] as string, twin));
      const pTwin = a.find((x) => x.ch === twin)?.p ?? 0;
      doubt.push({ l, c, twin, odds: (scale * (pTwin + unlisted)) / Math.max(p, 1e-9), seen });
    }
  }
  if (doubt.length === 0) return false;
  doubt.sort((a, b) => b.odds - a.odds);
  doubt.length = Math.min(doubt.length, MAX_SWAPS);
  // A swap the witnesses all give odds under the bar is ruled out (no witnesses: none is).
  const seenBy = (a: (typeof doubt)[number], b?: (typeof doubt)[number]): boolean => witnesses.length === 0 || a.seen.some((x, w) => x * (b ? (b.seen[w] as number) : 1) >= maxOdds);
  for (let i = 0; i < doubt.length; i++) {
    const a = doubt[i] as (typeof doubt)[number];
    if (a.odds >= maxOdds && seenBy(a) && checksPassWith(layout, lines, [a])) return true;
    for (let j = i + 1; j < doubt.length; j++) {
      const b = doubt[j] as (typeof doubt)[number];
      if ((b.l !== a.l || b.c !== a.c) && a.odds * b.odds >= maxOdds && seenBy(a, b) && checksPassWith(layout, lines, [a, b])) return true;
    }
  }
  return false;
}

/** Odds of `twin` against `ch` in one position's list: the twin's probability plus the unlisted mass, over `ch`'s. */
function swapOdds(a: readonly CharAlternative[], ch: string, twin: string): number {
  let listed = 0;
  let pCh = 0;
  let pTwin = 0;
  for (const x of a) {
    const p = x.p > 0 ? x.p : 0;
    listed += p;
    if (x.ch === ch) pCh = p;
    else if (x.ch === twin) pTwin = p;
  }
  return (pTwin + Math.max(0, 1 - listed)) / Math.max(pCh, 1e-9);
}

/**
 * Probability of each chosen character among the alternatives that keep the whole spelling
 * acceptable (`ok`, tried with one position changed at a time): `p(chosen) / (p(acceptable
 * alternatives) + unlisted mass)`. Alternatives the field class already dropped (a digit that is no
 * letter look-alike, say) count as unlisted, so they still lower the result.
 */
function constrainedPosteriors(positions: readonly (readonly Alt[])[], chars: readonly string[], ps: readonly number[], ok: (trial: string[]) => boolean): number[] {
  return chars.map((ch, i) => {
    const pa = positions[i] as readonly Alt[];
    let kept = 0;
    let listed = 0;
    for (const a of pa) {
      listed += a.p;
      if (a.ch === ch) kept += a.p;
      else {
        const trial = chars.slice();
        trial[i] = a.ch;
        if (ok(trial)) kept += a.p;
      }
    }
    const rest = Math.max(0, 1 - listed);
    return (ps[i] as number) / Math.max(1e-12, kept + rest);
  });
}

/** A checked character chosen below this probability is doubtful (see the two-doubts rule in solve). */
const DOUBTFUL_P = 0.85;

/** A correction to an alternative below this probability is never trusted. */
const MIN_CORRECTION_P = 0.1;

/** Log-probability penalty for data right after `<<` inside a checked mixed field. */
const FILLER_RUN_PENALTY = Math.log(0.02);

/**
 * Name-field automaton (ICAO 9303 Part 3, 4.6): `SURNAME(<PART)*(<<GIVEN(<PART)*)?<*`, or a
 * leading `<<` for documents with an empty primary identifier; truncated names may end anywhere.
 * States: 0 start, 1 in surname part, 2 one filler after surname part, 3 after `<<`, 4 in given
 * name part, 5 one filler after given part, 6 trailing fillers, 7 one leading filler.
 */
const NAME_NEXT: readonly (readonly [number, number])[] = [
  // [on letter, on filler]; -1 = rejected
  [1, 7],
  [1, 2],
  [1, 3],
  [4, 6],
  [4, 5],
  [4, 6],
  [-1, 6],
  [-1, 3],
];

/**
 * FRA_ID name spans: `PART(<{1,2}PART)*<*` (names separated by `<` or `<<`, fillers at the end;
 * may end anywhere when truncated), or fillers only (no given name; an empty surname is rejected
 * by interpretMrz). States: 0 start, 1 in a part, 2 one filler, 3 two fillers, 4 trailing
 * fillers, 5 empty field.
 */
const NAME_LIST_NEXT: readonly (readonly [number, number])[] = [
  [1, 5],
  [1, 2],
  [1, 3],
  [1, 4],
  [-1, 4],
  [-1, 5],
];

/** Whether a FRA_ID name span (surname or given names) follows {@link NAME_LIST_NEXT}. */
export function isNameList(chars: readonly string[]): boolean {
  let st = 0;
  for (const ch of chars) {
    st = (NAME_LIST_NEXT[st] as readonly [number, number])[ch === '<' ? 1 : 0];
    if (st < 0) return false;
  }
  return st !== 0;
}

/** Whether a name field spelling follows the automaton. */
export function isGrammaticalName(chars: readonly string[]): boolean {
  let st = 0;
  for (const ch of chars) {
    st = (NAME_NEXT[st] as readonly [number, number])[ch === '<' ? 1 : 0];
    if (st < 0) return false;
  }
  return st !== 0 && st !== 7;
}

/**
 * Viterbi over the name positions' alternatives with the name automaton: the most probable
 * well-formed spelling, or null when none exists among the alternatives.
 */
export function bestGrammaticalName(
  positions: readonly (readonly Alt[])[],
  table: readonly (readonly [number, number])[] = NAME_NEXT,
  accepts: (state: number) => boolean = (st) => st !== 0 && st !== 7,
): { chars: string[]; ps: number[] } | null {
  const S = table.length;
  let score = new Array<number>(S).fill(-Infinity);
  score[0] = 0;
  const back: { prev: number; ch: string; p: number }[][] = [];
  for (const alts of positions) {
    const next = new Array<number>(S).fill(-Infinity);
    const bp: { prev: number; ch: string; p: number }[] = new Array(S);
    for (let st = 0; st < S; st++) {
      const sc = score[st] as number;
      if (sc === -Infinity) continue;
      for (const a of alts) {
        const to = (table[st] as readonly [number, number])[a.ch === '<' ? 1 : 0];
        if (to < 0) continue;
        const v = sc + Math.log(Math.max(a.p, 1e-12));
        if (v > (next[to] as number)) {
          next[to] = v;
          bp[to] = { prev: st, ch: a.ch, p: a.p };
        }
      }
    }
    back.push(bp);
    score = next;
  }
  let end = -1;
  for (let st = 0; st < S; st++) if (accepts(st) && (score[st] as number) > -Infinity && (end < 0 || (score[st] as number) > (score[end] as number))) end = st;
  if (end < 0) return null;
  const chars: string[] = [];
  const ps: number[] = [];
  for (let i = back.length - 1; i >= 0; i--) {
    const b = (back[i] as { prev: number; ch: string; p: number }[])[end] as { prev: number; ch: string; p: number };
    chars.push(b.ch);
    ps.push(b.p);
    end = b.prev;
  }
  return { chars: chars.reverse(), ps: ps.reverse() };
}

/**
 * FRA_ID letter fields, chosen before the check-digit search: document code (first letter fitting
 * the format), issuing state (most probable known code), both name spans (most probable spelling
 * of the name-list grammar) and sex (top allowed). Keys are `line * 36 + column`. `forced` when a
 * name span has no well-formed spelling among the alternatives (its top characters are kept).
 */
function prechooseLetterFields(layout: MrzLayout, alts: readonly (readonly (readonly Alt[])[])[], allowSpecimen: boolean): { chars: Map<number, string>; forced: boolean } {
  const W = layout.lineLength;
  const chars = new Map<number, string>();
  let forced = false;
  const at = (l: number, c: number): readonly Alt[] => (alts[l] as readonly (readonly Alt[])[])[c] as readonly Alt[];
  for (const fs of layout.fields) {
    if (fs.field === 'documentCode') {
      const a0 = at(fs.line, fs.start);
      chars.set(fs.line * W + fs.start, (a0.find((x) => layout.codeFirst.includes(x.ch)) ?? (a0[0] as Alt)).ch);
      for (let c = fs.start + 1; c < fs.end; c++) chars.set(fs.line * W + c, (at(fs.line, c)[0] as Alt).ch);
    } else if (fs.field === 'issuingState') {
      const pos = [0, 1, 2].map((i) => at(fs.line, fs.start + i).slice(0, 4));
      const code = bestKnownCode(pos, allowSpecimen)?.code ?? pos.map((a) => (a[0] as Alt).ch).join('');
      for (let i = 0; i < 3; i++) chars.set(fs.line * W + fs.start + i, code[i] as string);
    } else if (fs.field === 'surname' || fs.field === 'givenNames') {
      const span = Array.from({ length: fs.end - fs.start }, (_, i) => at(fs.line, fs.start + i));
      const best = bestGrammaticalName(span, NAME_LIST_NEXT, (st) => st !== 0);
      if (!best) forced = true;
      span.forEach((a, i) => chars.set(fs.line * W + fs.start + i, best ? (best.chars[i] as string) : (a[0] as Alt).ch));
    } else if (fs.field === 'sex') {
      chars.set(fs.line * W + fs.start, (at(fs.line, fs.start)[0] as Alt).ch);
    }
  }
  return { chars, forced };
}

/** The most probable known state code spelled by three positions' alternatives, or null. */
function bestKnownCode(pos: readonly (readonly Alt[])[], allowSpecimen: boolean): { code: string; p: number; ps: number[] } | null {
  let best: { code: string; p: number; ps: number[] } | null = null;
  for (const a0 of pos[0] ?? []) for (const a1 of pos[1] ?? []) for (const a2 of pos[2] ?? []) {
    const code = a0.ch + a1.ch + a2.ch;
    const p = a0.p * a1.p * a2.p;
    if ((!best || p > best.p) && isKnownStateCode(code, { allowSpecimen })) best = { code, p, ps: [a0.p, a1.p, a2.p] };
  }
  return best;
}

/**
 * Whether line 1 starts `IDFRA` (the French identity card): `top` when the first allowed letters
 * spell it, `alternative` when each position lists its letter, else null.
 */
function frenchCardStart(line: LineCandidates, minP: number): 'top' | 'alternative' | null {
  let top = true;
  for (let i = 0; i < 5; i++) {
    const a = restrictAlternatives(line[i] ?? [], 'alpha', minP);
    const want = 'IDFRA'[i] as string;
    if (!a.some((x) => x.ch === want)) return null;
    if (a[0]?.ch !== want) top = false;
  }
  return top ? 'top' : 'alternative';
}

function topChar(pos: readonly CharAlternative[] | undefined): string {
  return pos?.[0]?.ch ?? '';
}

/**
 * Corrects classifier output with the ICAO check digits. Returns null when the candidates do not
 * have the shape of an ICAO MRZ (3x30, 2x36, 2x44); otherwise a result whose `valid` is true only
 * for a proven, unambiguous read (see the module documentation).
 */
export function correctMrz(lines: readonly LineCandidates[], options: MrzCorrectOptions = {}): MrzResult | null {
  if (!Array.isArray(lines) || lines.length < 2 || lines.length > 3) return null;
  const len = lines[0]?.length ?? 0;
  if (!lines.every((l) => Array.isArray(l) && l.length === len)) return null;
  for (const l of lines) for (const pos of l) if (!Array.isArray(pos) || pos.length === 0) return null;
  const checkedBar = options.checkedThreshold ?? options.threshold ?? MRZ_CHECKED_THRESHOLD;
  const uncheckedBar = options.uncheckedThreshold ?? options.threshold ?? MRZ_UNCHECKED_THRESHOLD;
  const opts = {
    beamWidth: Math.max(1, options.beamWidth ?? 64),
    minAlternativeP: options.minAlternativeP ?? 0.005,
    allowSpecimen: options.allowSpecimen ?? true,
    sharpen: options.sharpen !== undefined && Number.isFinite(options.sharpen) && options.sharpen > 0 ? options.sharpen : 1,
    faded: options.faded,
    relit: options.relit,
  };
  let formats: MrzFormat[];
  const first = lines[0]?.[0] ?? [];
  const vP = first.find((a: CharAlternative) => a.ch === 'V')?.p ?? 0;
  const topV = topChar(first) === 'V';
  if (lines.length === 3 && len === 30) formats = ['TD1'];
  else if (len === 44) formats = topV ? ['MRVA', ...(first.length > 1 ? (['TD3'] as const) : [])] : vP > 0 ? ['TD3', 'MRVA'] : ['TD3'];
  else if (len === 36) {
    formats = topV ? ['MRVB', ...(first.length > 1 ? (['TD2'] as const) : [])] : vP > 0 ? ['TD2', 'MRVB'] : ['TD2'];
    // French identity card: first when line 1 reads `IDFRA`, last when only the alternatives allow it.
    const fra = frenchCardStart(lines[0] as LineCandidates, opts.minAlternativeP);
    if (fra === 'top') formats.unshift('FRA_ID');
    else if (fra === 'alternative') formats.push('FRA_ID');
  } else return null;
  if (lines.length === 3 && len !== 30) return null;
  if (lines.length === 2 && len === 30) return null;

  let pick: Solved | null = null;
  // FRA_ID against TD2 (or MRV-B): every format is solved, and when both the French layout and
  // another one pass all their check digits the layout is unproven.
  const solveAll = formats.includes('FRA_ID');
  let rivalPasses = false;
  for (const f of formats) {
    const s = solve(f, lines, opts);
    if (!s) continue;
    if (pick?.allChecksPass) {
      if (s.allChecksPass && (s.format === 'FRA_ID' || pick.format === 'FRA_ID')) rivalPasses = true;
      continue;
    }
    if (!pick || (s.allChecksPass && !pick.allChecksPass)) pick = s;
    if (pick.allChecksPass && !solveAll) break;
  }
  if (!pick) return null;
  const confidence = Math.max(0, Math.min(1, pick.confidence));
  const clears = pick.posterior >= checkedBar && pick.minUnchecked >= uncheckedBar && pick.doubts.length < MRZ_MAX_DOUBTS;
  // Refused by nothing but a check-blind swap or unchecked O and 0: the witnesses may rule the
  // twins out and prove the O and 0.
  if (pick.refusedWith && options.witnesses && !pick.forced && !rivalPasses && clears && !pick.refusedWith(options.witnesses())) pick = { ...pick, ambiguous: false };
  const parseOptions: MrzParseOptions = { allowSpecimen: opts.allowSpecimen };
  if (options.now) parseOptions.now = options.now;
  return interpretMrz(pick.format, pick.lines, {
    ...parseOptions,
    confidence: +confidence.toFixed(4),
    corrections: pick.corrections,
    doubts: pick.doubts,
    extraValid: pick.allChecksPass && !pick.ambiguous && !pick.forced && !rivalPasses && clears,
  });
}

/**
 * Candidates that say "exactly these characters, probability `p`": turns text lines into
 * classifier-shaped input (tests, typed input through the same path).
 */
export function candidatesFromLines(lines: readonly string[], p = 1): LineCandidates[] {
  return lines.map((l) => [...l].map((ch) => [{ ch, p }]));
}
