/**
 * The characters of an MRZ read that no check digit covers and that the reading was unsure of (the
 * result's `doubts`), shown to the person who compares the read with the document: in the form after
 * a scan, and in the scanner for a photo read under the confidence bar. Both elements take their
 * wording ({@link MRZ_DOUBT_MESSAGES}), markup ({@link renderMrzDoubts}) and base rules
 * ({@link mrzDoubtStyles}) from here.
 * @module
 */
import { css, html, nothing, type TemplateResult } from 'lit';
import type { MrzResult } from '../../sdk/mrz/types.ts';

/** One MRZ line with the columns of its unsure characters (see {@link mrzDoubtLines}). */
export interface MrzDoubtLine {
  /** 1-based line number. */
  line: number;
  text: string;
  /** 0-based columns of the unsure characters, ascending. */
  columns: number[];
}

/**
 * The lines of an MRZ read that hold unsure characters no check digit covers (the result's
 * `doubts`), for the person comparing the read with the document. Positions outside the lines, and
 * results without `doubts` (older senders of `timpora-mrz-read`), give nothing.
 */
export function mrzDoubtLines(result: Pick<MrzResult, 'lines'> & { doubts?: unknown }): MrzDoubtLine[] {
  const byLine = new Map<number, Set<number>>();
  if (!Array.isArray(result.doubts)) return [];
  for (const d of result.doubts as unknown[]) {
    if (!Array.isArray(d)) continue;
    const [l, c] = d as unknown[];
    const text = typeof l === 'number' ? result.lines[l] : undefined;
    if (typeof text !== 'string' || typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= text.length) continue;
    const set = byLine.get(l as number) ?? new Set<number>();
    set.add(c);
    byLine.set(l as number, set);
  }
  return [...byLine.entries()].sort((a, b) => a[0] - b[0]).map(([l, cols]) => ({ line: l + 1, text: result.lines[l] as string, columns: [...cols].sort((a, b) => a - b) }));
}

/** The doubts' wording, spread into each element's dictionaries (`{n}`; `{line}`, `{column}`, `{char}`). */
export const MRZ_DOUBT_MESSAGES = {
  id: {
    'mrz.doubts': '{n} karakter yang tidak dijaga digit pemeriksa terbaca kurang pasti (ditandai): cocokkan dengan dokumen.',
    'mrz.doubtAt': 'baris {line}, karakter ke-{column}: {char}',
  },
  en: {
    'mrz.doubts': '{n} characters no check digit protects were read with less certainty (marked): compare them with the document.',
    'mrz.doubtAt': 'line {line}, character {column}: {char}',
  },
} as const;

/** Keys of {@link MRZ_DOUBT_MESSAGES}. */
export type MrzDoubtMessageKey = keyof (typeof MRZ_DOUBT_MESSAGES)['en'];

/** Base rules of {@link renderMrzDoubts}' markup; an element adds its font and colours. */
export const mrzDoubtStyles = css`
  .mrz-doubts {
    display: grid;
  }
  .mrz-line {
    overflow-wrap: anywhere;
  }
  .mrz-line mark {
    outline: 2px solid currentColor;
    font-weight: 700;
  }
`;

/**
 * The lines with their unsure characters marked (`<mark>`), after a summary ("3 characters ...
 * (marked)"), worded by `t` from {@link MRZ_DOUBT_MESSAGES}. Screen readers get the positions as text;
 * the lines themselves, a run of fillers, are hidden from them. Nothing when no line holds a doubt.
 */
export function renderMrzDoubts(lines: readonly MrzDoubtLine[], t: (key: MrzDoubtMessageKey, params: Record<string, string | number>) => string): TemplateResult | typeof nothing {
  if (!lines.length) return nothing;
  const n = lines.reduce((sum, l) => sum + l.columns.length, 0);
  const where = lines.flatMap((l) => l.columns.map((c) => t('mrz.doubtAt', { line: l.line, column: c + 1, char: l.text[c] ?? '' })));
  return html`<span class="mrz-doubts" part="mrz-doubts"
    >${t('mrz.doubts', { n })}<span class="visually-hidden"> ${where.join('; ')}.</span>
    ${lines.map(
      (l) =>
        html`<code class="mrz-line" aria-hidden="true"
          >${[...l.text].map((ch, c) => (l.columns.includes(c) ? html`<mark>${ch}</mark>` : ch))}</code
        >`,
    )}</span
  >`;
}
