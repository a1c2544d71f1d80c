/**
 * Voting over readings: across video frames ({@link MrzVoter}) and across the engine's looks at
 * one frame ({@link fuseAgreeingReadings}).
 *
 * Cross-frame voting for video: a result is reported only once the reading is stable.
 *
 * Each pushed frame adds votes per character position (the classifier alternatives weighted by
 * their probability when given, otherwise the frame's read characters weighted by its confidence).
 * {@link MrzVoter.stable} returns a result when either
 * - the same valid reading (identical lines) came from at least `minAgreeing` frames in the window, or
 * - the votes fused over at least `minAgreeing` frames of one shape (tempered product of the
 *   per-frame distributions), corrected again with {@link correctMrz}, give a valid reading (this is
 *   what rescues names: a letter misread in one frame is outvoted by the others, and agreeing
 *   frames raise its confidence).
 *
 * A valid frame whose document number or birth date differs from the current consensus (another
 * document was put under the camera) clears the older frames first.
 *
 * Within one frame, the engine reads a band in several looks (rectifications, cuts, two
 * classifiers); when none validates alone, the text most of them correct to is read again from their
 * fused candidates, the looks counted as at most {@link LOOKS_WORTH} independent readings (they
 * share the frame's blur and the classifier's confusions); a look that passes every check digit
 * with other characters vetoes it, and the fused read needs {@link FUSED_THRESHOLD}. On held-out frames this validated
 * exact reads whose only fault was one unchecked character (a name letter, or a visa look-alike
 * that needs 0.99) that every look read the same.
 * @module
 */
import { correctMrz, type MrzCorrectOptions } from './correct.ts';
import type { CharAlternative, LineCandidates, MrzResult } from './types.ts';

/** One reading of a frame: its classifier candidates and their correction. */
export interface FrameReading {
  readonly candidates: readonly LineCandidates[];
  readonly result: MrzResult;
}

/**
 * How many independent readings any number of looks at one frame are worth, at most (see
 * {@link fuseAgreeingReadings}): the looks share the frame's blur, glare and print, and the
 * classifier's systematic confusions repeat across them.
 */
export const LOOKS_WORTH = 2;

/**
 * Confidence a fused read of one frame's looks needs to be valid (the corrector's own threshold is
 * 0.9): how far the looks are independent is a guess, and when every look makes the same
 * confusion, counting them as {@link LOOKS_WORTH} readings squares the odds of a wrong character.
 * At 0.95 such a character needs about 0.81 in every look rather than 0.75. On the five synthetic
 * sets the fused wrong reads reached 0.80 and the fused exact ones 0.92-0.998 (only 170151, at
 * 0.923, is given up). Session 19 (the unassigned mass pooled too, see `fuseVotes`): wrong fused
 * reads up to 0.825 (held-out 90024), and 0.922 for one that a dissenting look vetoes (170103).
 */
export const FUSED_THRESHOLD = 0.95;

/** Whether every check digit of a result passes. */
function checksPass(r: MrzResult): boolean {
  return Object.values(r.checks).every(Boolean);
}

/**
 * Several readings of one frame (the engine's looks: rectifications, cuts, classifiers), none of
 * them valid alone: the text that the most distinct readings corrected to, with every check digit
 * passing, read again from the fused evidence of every reading aligned with it (same shape, at most
 * a quarter of the characters different; a cut moved by a cell differs almost everywhere). Fusion
 * is {@link fuseVotes} worth at most `independent` (default {@link LOOKS_WORTH}) readings, so
 * correlated looks do not pass for independent ones, and aligned readings that disagree pull the
 * fused probabilities down. An aligned reading that passes every check digit with other characters
 * (the looks disagree on a name letter, say) leaves no fused read at all. The fused candidates go
 * through {@link correctMrz} with every one of its rules and the stricter {@link FUSED_THRESHOLD};
 * the result is returned only when it is valid and spells the agreed text. Readings
 * with identical candidates (a look visited twice) count once. Returns the valid result and the
 * indices of the readings that agreed, or null.
 */
export function fuseAgreeingReadings(readings: readonly FrameReading[], options: MrzCorrectOptions & { independent?: number } = {}): { result: MrzResult; agreeing: number[] } | null {
  const { independent, ...correctOptions } = options;
  const seen = new Set<string>();
  const distinct: number[] = [];
  readings.forEach((x, i) => {
    const sig = x.candidates.map((l) => l.map((pos) => `${pos[0]?.ch ?? ''}${pos[0]?.p ?? 0}`).join(',')).join('|');
    if (seen.has(sig)) return;
    seen.add(sig);
    distinct.push(i);
  });
  const at = (i: number): FrameReading => readings[i] as FrameReading;
  const groups = new Map<string, number[]>();
  for (const i of distinct) {
    const r = at(i).result;
    if (!checksPass(r)) continue;
    const k = `${r.format}|${r.lines.join('|')}`;
    const list = groups.get(k) ?? [];
    list.push(i);
    groups.set(k, list);
  }
  const topConfidence = (l: readonly number[]): number => Math.max(...l.map((i) => at(i).result.confidence));
  let agree: number[] | null = null;
  for (const list of groups.values()) {
    if (list.length < 2) continue;
    if (!agree || list.length > agree.length || (list.length === agree.length && topConfidence(list) > topConfidence(agree))) agree = list;
  }
  if (!agree) return null;
  const target = at(agree[0] as number).result;
  const lines = target.lines;
  const total = lines.reduce((t, l) => t + l.length, 0);
  const aligned = distinct.filter((i) => {
    const other = at(i).result.lines;
    if (other.length !== lines.length || other.some((l, li) => l.length !== (lines[li] as string).length)) return false;
    if (at(i).candidates.length !== lines.length || at(i).candidates.some((l, li) => l.length !== (lines[li] as string).length)) return false;
    let diff = 0;
    other.forEach((l, li) => {
      for (let c = 0; c < l.length; c++) if (l[c] !== (lines[li] as string)[c]) diff++;
    });
    return diff <= total / 4;
  });
  // A look of the same cut that also passes every check digit but reads other characters is an
  // alternative proven as well as the agreed one: no fused read (see the module doc).
  const dissent = aligned.some((i) => {
    const r = at(i).result;
    return checksPass(r) && (r.format !== target.format || r.lines.join('|') !== lines.join('|'));
  });
  if (dissent) return null;
  const worth = Math.min(independent ?? LOOKS_WORTH, Math.sqrt(aligned.length));
  const fused = fuseVotes(aligned.map((i) => candidateVotes(at(i).candidates)), worth, true);
  const result = correctMrz(fused, { ...correctOptions, threshold: Math.max(FUSED_THRESHOLD, correctOptions.threshold ?? 0) });
  if (!result?.valid || result.format !== target.format || result.lines.join('|') !== lines.join('|')) return null;
  return { result, agreeing: agree };
}

/** Probability floor for a character a frame did not list (log-linear pooling). */
const VOTE_FLOOR = 0.02;

/**
 * Floor of a reading's unassigned mass in the pooling (see {@link fuseVotes}): about the least
 * probability the classifiers list (`minP` 0.002), so a reading that lists its whole mass does not
 * rule every other character out. At {@link VOTE_FLOOR} a look-alike at 0.97 in two agreeing
 * looks fell below the 0.99 an unchecked one needs, though neither look gave anything else a chance.
 */
const REST_FLOOR = 0.002;

/** Options of {@link MrzVoter}. */
export interface MrzVoterOptions extends MrzCorrectOptions {
  /** Frames that must agree (default 2). */
  minAgreeing?: number;
  /** How many recent frames take part (default 8). */
  window?: number;
}

interface Frame {
  result: MrzResult | null;
  /** Votes per line and position: char -> weight. */
  votes: Map<string, number>[][] | null;
}

function shapeFormat(lines: readonly (readonly unknown[])[] | readonly string[]): string {
  return `${lines.length}x${lines[0]?.length ?? 0}`;
}

/** Per-position votes (char -> probability, duplicates merged) of one reading's candidates. */
function candidateVotes(candidates: readonly LineCandidates[]): Map<string, number>[][] {
  return candidates.map((line) =>
    line.map((pos: readonly CharAlternative[]) => {
      const m = new Map<string, number>();
      for (const a of pos) if (typeof a.ch === 'string' && a.ch.length === 1 && a.p > 0) m.set(a.ch, (m.get(a.ch) ?? 0) + Math.min(1, a.p));
      return m;
    }),
  );
}

/**
 * Fuses readings of one shape into classifier-shaped candidates: a tempered product of their
 * per-position distributions (log-linear pooling with exponent `independent / n`, a floor of
 * {@link VOTE_FLOOR} for characters a reading did not list). Readings that agree reinforce each
 * other and one reading's slip is outvoted; `independent` (between 1 and n) is how many independent
 * readings the n are worth, so correlated readings (same blur, same glare) do not count as n.
 * With `poolRest` (one frame's looks), the mass each reading left unassigned (characters it did
 * not list) is pooled the same way, as one more "character" floored at {@link REST_FLOOR}; what it
 * keeps stays unassigned (the corrector treats it as "other"). Until session 19 the fused
 * candidates kept the readings' mean unassigned mass, however many agreed: eleven looks reading a
 * personal number's 6 at about 0.985 with nothing else listed left 1.5% for its check-blind twin G,
 * and the read stayed unproven (held-out 170122; also bench 70274, held-out 240028 and French card
 * 500022). Without it (the video voter) the readings' mean unassigned mass is kept: a frame pushed
 * without candidates votes its characters at the whole read's confidence, a doubt about the read
 * rather than about each character, and the frame sets do not measure that path.
 */
function fuseVotes(readings: readonly (readonly (readonly Map<string, number>[])[])[], independent: number, poolRest: boolean): LineCandidates[] {
  const first = readings[0];
  if (!first) return [];
  const ex = Math.max(1, Math.min(readings.length, independent)) / readings.length;
  return first.map((line, li) =>
    line.map((_, ci) => {
      const chars = new Set<string>();
      for (const v of readings) for (const ch of ((v[li] as Map<string, number>[])[ci] as Map<string, number>).keys()) chars.add(ch);
      const scores: { ch: string; p: number }[] = [];
      let sum = 0;
      for (const ch of chars) {
        let logp = 0;
        for (const v of readings) logp += Math.log(Math.max(VOTE_FLOOR, Math.min(1, ((v[li] as Map<string, number>[])[ci] as Map<string, number>).get(ch) ?? 0)));
        const p = Math.exp(logp * ex);
        scores.push({ ch, p });
        sum += p;
      }
      // The mass a reading left unassigned: pooled like a character of its own ("other") when
      // `poolRest`, so sure readings make a sure fusion; else the readings' mean stays unassigned.
      let restLog = 0;
      let assigned = 0;
      for (const v of readings) {
        let t = 0;
        for (const w of ((v[li] as Map<string, number>[])[ci] as Map<string, number>).values()) t += w;
        restLog += Math.log(Math.max(REST_FLOOR, 1 - Math.min(1, t)));
        assigned += Math.min(1, t);
      }
      const scale = sum <= 0 ? 0 : poolRest ? 1 / (sum + Math.exp(restLog * ex)) : assigned / readings.length / sum;
      return scores
        .map((x) => ({ ch: x.ch, p: x.p * scale }))
        .sort((a, b) => b.p - a.p)
        .slice(0, 5);
    }),
  );
}

/**
 * Votes the results of successive frames into one stable reading.
 *
 * The camera scanner pushes results only (no candidates): each frame votes its read text at the
 * whole read's confidence. Session 39 measured that path on still scenes (each frame read as it is
 * and as 7 more captures, moved under a pixel, fresh noise, JPEG again, as `bench/mrz/recapture.ts`
 * does), reported right / wrong / nothing after 8 captures: bench 70000-70319 286 / 1 / 33 (the
 * wrong one 70045, a valid misreading that two captures repeat), fresh 5020000-5020399
 * 346 / 0 / 54 (noise seeded per seed number, an experiment's probe); `recapture.ts` itself (noise
 * seeded per file name) gave 284 / 0 / 36 and 341 / 0 / 59: the counts move with the noise drawn,
 * and 70045 is wrong in one draw, right in the other. Tried and dropped (first draw): the engine's result carrying its reading's classifier
 * candidates, pushed with it, so the fused votes see which characters were unsure: 288 / 2 / 30
 * and 352 / 0 / 48, the new wrong one 70140 (JOHANSSON fused to JOMANSSON at 0.93 over two
 * captures, 0.96 over three: the captures share the scene's blur, so its H/M confusion repeats and
 * multiplies). Neither three fused frames at least nor a veto by a capture that passes every check
 * digit with other text stopped it. Also tried: reporting identical valid readings only when they
 * outnumber any other valid text in the window by two (70045 reads FATTMA valid in captures 3 and
 * 6, FATIMA in 4): the same counts on both sets, the misreading only came later.
 */
export class MrzVoter {
  private frames: Frame[] = [];
  private readonly minAgreeing: number;
  private readonly window: number;
  private readonly correctOptions: MrzCorrectOptions;

  constructor(options: MrzVoterOptions = {}) {
    const { minAgreeing, window, ...rest } = options;
    this.minAgreeing = Math.max(1, minAgreeing ?? 2);
    this.window = Math.max(this.minAgreeing, window ?? 8);
    this.correctOptions = rest;
  }

  /** Number of frames currently in the window. */
  get size(): number {
    return this.frames.length;
  }

  /**
   * Adds one frame: its result (null when nothing was read) and, optionally, the classifier's
   * candidates for that frame (same shape as the MRZ).
   */
  push(result: MrzResult | null, candidates?: readonly LineCandidates[]): void {
    if (result?.valid && this.conflicts(result)) this.frames = [];
    let votes: Map<string, number>[][] | null = null;
    if (candidates && candidates.length > 0 && (!result || shapeFormat(candidates) === shapeFormat(result.lines))) {
      votes = candidateVotes(candidates);
    } else if (result) {
      const w = Math.max(0.05, Math.min(1, result.confidence));
      votes = result.lines.map((line) => [...line].map((ch) => new Map([[ch, w]])));
    }
    this.frames.push({ result, votes });
    if (this.frames.length > this.window) this.frames.splice(0, this.frames.length - this.window);
  }

  /** Forgets every frame (call when the scanner restarts or a document was accepted). */
  reset(): void {
    this.frames = [];
  }

  /** The stable reading, or null while frames still disagree or are too few. */
  stable(): MrzResult | null {
    // 1. Identical valid readings.
    const byKey = new Map<string, MrzResult[]>();
    for (const f of this.frames) {
      if (!f.result?.valid) continue;
      const k = f.result.lines.join('\n');
      const list = byKey.get(k) ?? [];
      list.push(f.result);
      byKey.set(k, list);
    }
    let bestList: MrzResult[] | null = null;
    for (const list of byKey.values()) if (list.length >= this.minAgreeing && (!bestList || list.length > bestList.length)) bestList = list;
    if (bestList) {
      const top = bestList.reduce((a, b) => (b.confidence > a.confidence ? b : a));
      return top;
    }
    // 2. Fused votes per shape.
    const groups = new Map<string, Map<string, number>[][][]>();
    for (const f of this.frames) {
      if (!f.votes) continue;
      const k = shapeFormat(f.votes);
      const g = groups.get(k) ?? [];
      g.push(f.votes);
      groups.set(k, g);
    }
    for (const g of groups.values()) {
      if (g.length < this.minAgreeing) continue;
      // Tempered product with exponent 1/sqrt(n): the frames count as sqrt(n) independent ones.
      const fused = fuseVotes(g, Math.sqrt(g.length), false);
      const r = correctMrz(fused, this.correctOptions);
      if (r?.valid) return r;
    }
    return null;
  }

  /** True when a valid result names another document than the valid frames already held. */
  private conflicts(result: MrzResult): boolean {
    for (const f of this.frames) {
      const r = f.result;
      if (!r?.valid) continue;
      if (r.fields.documentNumber !== result.fields.documentNumber || r.fields.birthDate !== result.fields.birthDate) return true;
    }
    return false;
  }
}
