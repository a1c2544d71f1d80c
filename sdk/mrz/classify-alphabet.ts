/** Class order of the glyph classifier outputs (the MRZ alphabet). */
export const CLASSES = '<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Whether `ch` is a digit. */
export const isDigit = (ch: string): boolean => ch >= '0' && ch <= '9';

/**
 * The share of `ch` among the alternatives of its kind (digits, or letters and the filler `<`) and
 * the unlisted mass: how sure a list is of `ch` once the field's kind has ruled the other kind out
 * (an O/0 doubt is no doubt in a name, a country code or a date, where only one of them may stand).
 */
export function shareOfKind(alts: readonly { readonly ch: string; readonly p: number }[], ch: string): number {
  let own = 0;
  let kind = 0;
  let listed = 0;
  for (const a of alts) {
    listed += a.p;
    if (a.ch === ch) own = a.p;
    if (isDigit(a.ch) === isDigit(ch)) kind += a.p;
  }
  const rest = kind + Math.max(0, 1 - listed);
  return rest > 0 ? own / rest : 0;
}
