/** Every element page the manifest gives, as `{ file: markdown }`. */
export function allPages(manifest: unknown): Record<string, string>;
