/**
 * Captures desk MRZ readers that "type" the MRZ lines as keyboard input: very fast bursts of
 * characters, each line ending in Enter. Listens on the document (so no focused text field is
 * needed), ignores people typing in other fields, and only claims keystrokes once they are clearly
 * machine-fast.
 * @module
 */

const MRZ_CHAR = /^[A-Z0-9<]$/;

/** Line lengths of complete MRZs: TD1 3×30, TD2/MRV-B/French ID (FRA_ID) 2×36, TD3/MRV-A 2×44. */
function isComplete(lines: readonly string[]): boolean {
  const [a, b, c] = lines;
  if (lines.length === 2 && a && b) return (a.length === 44 && b.length === 44) || (a.length === 36 && b.length === 36);
  if (lines.length === 3 && a && b && c) return a.length === 30 && b.length === 30 && c.length === 30;
  return false;
}

function isPlausiblePrefix(lines: readonly string[]): boolean {
  const len = lines[0]?.length;
  if (len !== 30 && len !== 36 && len !== 44) return false;
  const max = len === 30 ? 3 : 2;
  return lines.length < max && lines.every((l) => l.length === len);
}

/** True for elements where a person types (inputs, textareas, selects, contenteditable). */
export function isEditableTarget(target: EventTarget | null | undefined): boolean {
  if (!target || !(target instanceof Element)) return false;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) {
    return !['button', 'submit', 'reset', 'checkbox', 'radio', 'file', 'image', 'range', 'color'].includes(target.type);
  }
  return target instanceof HTMLElement && target.isContentEditable;
}

/** Options of {@link DeskReaderListener}. */
export interface DeskReaderOptions {
  /** Called with the lines of a complete MRZ (2×44, 2×36 or 3×30) typed as a burst. */
  readonly onLines: (lines: string[]) => void;
  /** Editable targets that belong to the host and may still feed the detector. Default none. */
  readonly isOwnTarget?: (target: EventTarget) => boolean;
  /** Longest mean time per character of a burst, ms. Default 30. */
  readonly maxCharInterval?: number;
  /** Longest pause between two keys inside a line, ms. Default 80. */
  readonly maxKeyGap?: number;
  /** Longest pause between the Enter of one line and the next line, ms. Default 600. */
  readonly maxLineGap?: number;
}

/**
 * A document-level `keydown` listener that recognises desk-reader bursts.
 *
 * @example
 * ```ts
 * const desk = new DeskReaderListener({ onLines: (lines) => console.log(lines) });
 * desk.attach(document);
 * // later
 * desk.detach();
 * ```
 */
export class DeskReaderListener {
  readonly #options: DeskReaderOptions;
  #doc: Document | null = null;
  #line = '';
  #lineStart = 0;
  #lastKey = 0;
  #lines: string[] = [];
  #lastEnter = 0;

  constructor(options: DeskReaderOptions) {
    this.#options = options;
  }

  /** Starts listening on `doc` (capture phase, so focused widgets cannot swallow the keys first). */
  attach(doc: Document = document): void {
    if (this.#doc === doc) return;
    this.detach();
    this.#doc = doc;
    doc.addEventListener('keydown', this.handleKeydown, true);
  }

  /** Stops listening and forgets any partial input. */
  detach(): void {
    this.#doc?.removeEventListener('keydown', this.handleKeydown, true);
    this.#doc = null;
    this.reset();
  }

  /** Forgets partial input. */
  reset(): void {
    this.#line = '';
    this.#lines = [];
  }

  #isBurst(now: number, chars: number): boolean {
    if (chars < 2) return false;
    return (now - this.#lineStart) / (chars - 1) <= (this.#options.maxCharInterval ?? 30);
  }

  /** The listener (public for tests that feed events directly). */
  readonly handleKeydown = (event: KeyboardEvent): void => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) {
      this.reset();
      return;
    }
    const target = event.composedPath()[0] ?? event.target;
    if (isEditableTarget(target) && !(target && this.#options.isOwnTarget?.(target))) {
      this.reset();
      return;
    }
    const now = event.timeStamp;
    const key = event.key;
    if (key === 'Enter') {
      const line = this.#line;
      const fast = line.length >= 30 && (now - this.#lineStart) / line.length <= (this.#options.maxCharInterval ?? 30);
      this.#line = '';
      if (!fast) {
        this.#lines = [];
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      this.#lines.push(line);
      this.#lastEnter = now;
      if (isComplete(this.#lines)) {
        const lines = this.#lines;
        this.#lines = [];
        this.#options.onLines(lines);
      } else if (!isPlausiblePrefix(this.#lines)) {
        this.#lines = [];
      }
      return;
    }
    if (key.length !== 1) return; // Shift, CapsLock... are part of normal scanner output
    const ch = key.toUpperCase();
    if (!MRZ_CHAR.test(ch)) {
      this.reset();
      return;
    }
    if (this.#line.length > 0 && now - this.#lastKey > (this.#options.maxKeyGap ?? 80)) {
      // Too slow: a person typing. Start over from this key.
      this.#line = '';
      this.#lines = [];
    }
    if (this.#line.length === 0) {
      if (this.#lines.length > 0 && now - this.#lastEnter > (this.#options.maxLineGap ?? 600)) this.#lines = [];
      this.#lineStart = now;
    }
    this.#line += ch;
    this.#lastKey = now;
    if (this.#line.length > 44) {
      this.reset();
      return;
    }
    // Once the keys are machine-fast, keep them from the page (shortcuts, focused buttons).
    if (this.#line.length >= 3 && this.#isBurst(now, this.#line.length)) {
      event.preventDefault();
    }
  };
}
