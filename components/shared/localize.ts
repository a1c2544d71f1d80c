/**
 * One localisation mechanism for every Timpora widget: Bahasa Indonesia by default, English complete.
 *
 * The language comes from the nearest `lang` attribute (the element itself, an ancestor, across shadow roots,
 * or `<html>`), and changes at run time re-render every connected widget. Messages are typed dictionaries
 * (one per component) whose English half must have exactly the keys of the Indonesian half.
 * @module
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Languages the widgets speak. */
export type Lang = 'id' | 'en';

/** The default language of every widget. */
export const DEFAULT_LANG: Lang = 'id';

/** A message: plain text, or a function of named parameters. */
export type Message = string | ((params: Record<string, string | number>) => string);

/** A component's dictionaries: Indonesian is the reference; English must have the same keys. */
export interface Messages<K extends string> {
  /** Bahasa Indonesia (the default language and the fallback for a missing English key). */
  id: Record<K, Message>;
  /** English. */
  en: Record<K, Message>;
}

/**
 * Declare a component's messages. Typing the English half against the Indonesian keys makes a missing or
 * extra translation a compile error.
 */
export function defineMessages<K extends string>(id: Record<K, Message>, en: Record<K, Message>): Messages<K> {
  return { id, en };
}

/** Map any BCP 47 tag to a supported language (`en-GB` -> `en`, `in`/`id-ID` -> `id`, others -> default). */
export function normaliseLang(tag: string | null | undefined): Lang {
  const base = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0];
  if (base === 'en') return 'en';
  if (base === 'id' || base === 'in') return 'id';
  return DEFAULT_LANG;
}

/** Find the language that applies to `el`: nearest `lang` attribute, crossing shadow boundaries. */
export function resolveLang(el: Element): Lang {
  let node: Node | null = el;
  while (node) {
    if (node instanceof Element && node.hasAttribute('lang')) {
      const value = node.getAttribute('lang');
      if (value) return normaliseLang(value);
    }
    const parent: Node | null = node.parentNode;
    node = parent instanceof ShadowRoot ? parent.host : parent;
  }
  return normaliseLang(document.documentElement.lang);
}

/** BCP 47 locale used with `Intl` for each language. */
export const INTL_LOCALE: Record<Lang, string> = { id: 'id-ID', en: 'en-GB' };

/** What a {@link LocalizeController} attaches to: a Lit element (any reactive controller host that is an element). */
export type LocalizeHost = ReactiveControllerHost & HTMLElement;
type Host = LocalizeHost;

// One observer for the whole document: a `lang` change anywhere re-resolves every connected controller.
const controllers = new Set<LocalizeController>();
let observer: MutationObserver | undefined;

function observeLangChanges(): void {
  if (observer) return;
  observer = new MutationObserver(() => {
    for (const c of controllers) c.refresh();
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'], subtree: true });
}

/**
 * Reactive controller giving a widget its language, message lookup and `Intl` formatting.
 *
 * ```ts
 * private readonly l10n = new LocalizeController(this);
 * render() { return html`${this.l10n.t(messages, 'title')}`; }
 * ```
 * Changes of `lang` inside shadow roots are seen when the widget's own `lang` property changes
 * (widgets call `refresh()` from `updated`), or on the next document-level change.
 */
export class LocalizeController implements ReactiveController {
  private current: Lang = DEFAULT_LANG;

  constructor(private readonly host: Host) {
    host.addController(this);
  }

  /** The language in force for the host. */
  get lang(): Lang {
    return this.current;
  }

  /** The `Intl` locale for the host's language. */
  get locale(): string {
    return INTL_LOCALE[this.current];
  }

  hostConnected(): void {
    controllers.add(this);
    observeLangChanges();
    this.current = resolveLang(this.host);
  }

  hostDisconnected(): void {
    controllers.delete(this);
  }

  /** Re-read the language; re-render the host when it changed. */
  refresh(): void {
    const next = resolveLang(this.host);
    if (next !== this.current) {
      this.current = next;
      this.host.requestUpdate();
      this.host.dispatchEvent(new CustomEvent('timpora-lang-change', { detail: { lang: next } }));
    }
  }

  /** Look a message up in the host's language, filling `{name}` parameters. */
  t<K extends string>(messages: Messages<K>, key: K, params: Record<string, string | number> = {}): string {
    return formatMessage(messages[this.current][key] ?? messages.id[key], params);
  }

  /** Format a date (Date, or ISO string) with `Intl.DateTimeFormat` in the host's language. */
  formatDate(value: Date | string, options: Intl.DateTimeFormatOptions = { dateStyle: 'medium' }): string {
    const date = typeof value === 'string' ? parseIsoForDisplay(value) : value;
    if (Number.isNaN(date.getTime())) return String(value);
    return new Intl.DateTimeFormat(this.locale, options).format(date);
  }

  /** Format a number with `Intl.NumberFormat` in the host's language. */
  formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
    return new Intl.NumberFormat(this.locale, options).format(value);
  }
}

/** Fill `{name}` placeholders of a message. */
export function formatMessage(message: Message | undefined, params: Record<string, string | number>): string {
  if (message === undefined) return '';
  if (typeof message === 'function') return message(params);
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

// A bare `YYYY-MM-DD` is a calendar date: show it as that date whatever the viewer's zone.
function parseIsoForDisplay(value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(value);
}
