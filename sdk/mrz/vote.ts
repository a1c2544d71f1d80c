/**
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
 * @module
 */
import { correctMrz, type MrzCorrectOptions } from './correct.ts';
import type { CharAlternative, LineCandidates, MrzResult } from './types.ts';

/** Probability floor for a character a frame did not list (log-linear pooling). */
const VOTE_FLOOR = 0.02;

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

/** Votes the results of successive frames into one stable reading. */
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
      votes = candidates.map((line) =>
        line.map((pos: readonly CharAlternative[]) => {
          const m = new Map<string, number>();
          for (const a of pos) if (typeof a.ch === 'string' && a.ch.length === 1 && a.p > 0) m.set(a.ch, (m.get(a.ch) ?? 0) + Math.min(1, a.p));
          return m;
        }),
      );
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
      const first = g[0] as Map<string, number>[][];
      // Tempered product of the frames' distributions (log-linear pooling, exponent 1/sqrt(n)):
      // frames that agree reinforce each other, one frame's slip is outvoted, and the exponent
      // keeps correlated frames (same blur, same glare) from looking like independent evidence.
      const ex = 1 / Math.sqrt(g.length);
      const fused: LineCandidates[] = first.map((line, li) =>
        line.map((_, ci) => {
          const chars = new Set<string>();
          for (const v of g) for (const ch of ((v[li] as Map<string, number>[])[ci] as Map<string, number>).keys()) chars.add(ch);
          const scores: { ch: string; p: number }[] = [];
          let sum = 0;
          for (const ch of chars) {
            let logp = 0;
            for (const v of g) logp += Math.log(Math.max(VOTE_FLOOR, Math.min(1, ((v[li] as Map<string, number>[])[ci] as Map<string, number>).get(ch) ?? 0)));
            const p = Math.exp(logp * ex);
            scores.push({ ch, p });
            sum += p;
          }
          // Mass a frame left unassigned stays unassigned (the corrector treats it as "other").
          let assigned = 0;
          for (const v of g) {
            let t = 0;
            for (const w of ((v[li] as Map<string, number>[])[ci] as Map<string, number>).values()) t += w;
            assigned += Math.min(1, t);
          }
          const scale = sum > 0 ? assigned / g.length / sum : 0;
          return scores
            .map((x) => ({ ch: x.ch, p: x.p * scale }))
            .sort((a, b) => b.p - a.p)
            .slice(0, 5);
        }),
      );
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
