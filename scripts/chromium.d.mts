/** Path to the Chromium binary: CHROME_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string;
export function hasChromium(): boolean;
/** Flags every headless run here needs (no sandbox as root, no background network). */
export const chromiumArgs: string[];
