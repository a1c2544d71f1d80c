/** Class order of the glyph classifier outputs (the MRZ alphabet). */
export const CLASSES = '<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
