/**
 * Search keys: accent- and case-insensitive folding of names, and the normalised document key.
 * Pure functions, shared by the store's indexes and its queries (and by the benchmark's Dexie schema).
 * @module
 */
import { normalizeDocumentNumber } from '../model/rules.ts';
import { normalizeStateCode } from '../model/countries.ts';

/** Letters that do not decompose under NFD but have a conventional Latin fallback. */
const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  ł: 'l',
  Ł: 'l',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
  ħ: 'h',
  Ħ: 'h',
};
const SPECIAL_RE = /[ßẞæÆœŒøØłŁđĐðÐþÞıħĦ]/g;
const MARKS_RE = /\p{M}+/gu;
const SEPARATORS_RE = /[^\p{L}\p{N}]+/u;
const ASCII_SIMPLE = /^[\x20-\x7e]*$/;

/**
 * Folds text for matching: Unicode NFD, combining marks removed, special letters mapped (ß→ss, ø→o, ł→l ...),
 * lower case. `"Müller"` → `"muller"`, `"JOSÉ"` → `"jose"`, `"Øster"` → `"oster"`. Scripts without
 * decomposition (Arabic, Chinese, Thai ...) pass through lower-cased.
 */
export function fold(text: string): string {
  if (ASCII_SIMPLE.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(MARKS_RE, '').replace(SPECIAL_RE, (c) => SPECIAL[c] ?? c).toLowerCase();
}

/** Maximum number of tokens indexed per entity and maximum token length (keeps index rows small for hostile input). */
export const MAX_TOKENS = 16;
export const MAX_TOKEN_LENGTH = 40;

/**
 * Splits and folds name parts into unique search tokens (letters/digits runs), e.g.
 * `['MÜLLER-LÜDENSCHEIDT', 'Hans Peter']` → `['muller', 'ludenscheidt', 'hans', 'peter']`. The whole folded
 * surname without separators is added too (`mullerludenscheidt`) so a compound name is found by its start.
 */
export function nameTokens(...parts: (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const part of parts) {
    if (!part) continue;
    const folded = fold(part);
    const words = folded.split(SEPARATORS_RE).filter(Boolean);
    for (const w of words) {
      if (out.size >= MAX_TOKENS) break;
      out.add(w.slice(0, MAX_TOKEN_LENGTH));
    }
    if (words.length > 1 && out.size < MAX_TOKENS) out.add(words.join('').slice(0, MAX_TOKEN_LENGTH));
  }
  return [...out];
}

/** Folded tokens of a search query (same rules as {@link nameTokens}, without the joined form). */
export function queryTokens(query: string): string[] {
  return [...new Set(fold(query).split(SEPARATORS_RE).filter(Boolean).map((w) => w.slice(0, MAX_TOKEN_LENGTH)))];
}

/** Folded sort key of a name: `"Müller, Hans"` → `"muller hans"` (capped at 100 characters). */
export function sortKey(...parts: (string | undefined)[]): string {
  return fold(parts.filter(Boolean).join(' ')).replace(/\s+/g, ' ').trim().slice(0, 100);
}

/** Key of the document index: `"<STATE>|<NUMBER>"`, both normalised (`D<<`, `c01x-00t47` → `D|C01X00T47`). */
export function documentKey(issuingState: string, number: string): string {
  return `${normalizeStateCode(issuingState)}|${normalizeDocumentNumber(number)}`;
}
