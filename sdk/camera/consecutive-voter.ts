/**
 * The simplest multi-frame agreement: a read counts once the same valid lines came from `need`
 * frames in a row. Used by the scanner until/unless a richer voter (per-character votes across
 * frames, `MrzVoter` in sdk/mrz) is supplied through `createVoter`.
 * @module
 */
import type { MrzResult } from '../mrz/types.ts';
import type { FrameVoter } from './scanner.ts';

/** Agreement of `need` consecutive identical valid reads (default 2). */
export class ConsecutiveVoter implements FrameVoter {
  readonly #need: number;
  #key = '';
  #count = 0;
  #last: MrzResult | null = null;

  constructor(need = 2) {
    this.#need = Math.max(1, Math.floor(need));
  }

  push(result: MrzResult | null): void {
    if (!result) return; // an empty frame (blur, glare) does not break the run
    if (!result.valid) {
      // An invalid frame breaks the run only when it disagrees in the check-digit-protected text.
      if (result.lines.join('\n') !== this.#key) this.reset();
      return;
    }
    const key = result.lines.join('\n');
    if (key === this.#key) this.#count++;
    else {
      this.#key = key;
      this.#count = 1;
    }
    this.#last = result;
  }

  stable(): MrzResult | null {
    return this.#count >= this.#need ? this.#last : null;
  }

  /** Forgets the current run. */
  reset(): void {
    this.#key = '';
    this.#count = 0;
    this.#last = null;
  }
}
