/**
 * Country combobox of `<timpora-foreigner-form>` after the ARIA 1.2 combobox pattern (editable combobox
 * with list autocomplete, no automatic selection): an `<input role="combobox">` controlling a
 * `role="listbox"` popup, `aria-activedescendant` for the highlighted option, a polite status announcing the
 * number of results. Data and search come from `sdk/model/countries.ts`.
 *
 * Rendered inside the form's own shadow root (not a separate element) so labels, `aria-describedby` and the
 * error summary links all resolve within one tree.
 * @module
 */
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { findCountry, searchCountries, type Country } from '../../sdk/model/countries.ts';
import { msg, type FormLang } from './messages.ts';

/** Per-combobox UI state. */
interface ComboState {
  open: boolean;
  active: number;
  results: Country[];
  /** Text being typed; `null` shows the chosen value's display text. */
  query: string | null;
}

/** What the host provides to render one combobox. */
export interface ComboboxRenderOptions {
  /** Field path, e.g. `identity.nationality`. */
  path: string;
  /** Base id of the input. */
  id: string;
  /** Current value: an ICAO code once chosen, or whatever was typed. */
  value: string;
  lang: FormLang;
  describedBy: string | undefined;
  invalid: boolean;
  required: boolean;
  disabled: boolean;
  /** Called with the new raw value (a code when an option is chosen, the typed text otherwise). */
  onValue: (value: string, committed: boolean) => void;
}

/** Display text for a value: `Indonesia (IDN)` for a known code, the raw text otherwise. */
export function countryDisplay(value: string, lang: FormLang): string {
  const c = value ? findCountry(value.trim().toUpperCase()) : undefined;
  if (!c) return value;
  return `${lang === 'en' ? c.nameEn : c.nameId} (${c.code})`;
}

/** Keeps the state of the form's comboboxes and renders them. */
export class CountryComboboxes {
  private readonly states = new Map<string, ComboState>();

  constructor(private readonly requestUpdate: () => void) {}

  private state(path: string): ComboState {
    let s = this.states.get(path);
    if (!s) {
      s = { open: false, active: -1, results: [], query: null };
      this.states.set(path, s);
    }
    return s;
  }

  /** Forget typed text (after the value was set from outside: MRZ, draft, reset). */
  reset(path?: string): void {
    if (path) this.states.delete(path);
    else this.states.clear();
  }

  private choose(o: ComboboxRenderOptions, country: Country): void {
    const s = this.state(o.path);
    s.open = false;
    s.active = -1;
    s.query = null;
    o.onValue(country.code, true);
    this.requestUpdate();
  }

  private onInput(o: ComboboxRenderOptions, e: Event): void {
    const text = (e.target as HTMLInputElement).value;
    const s = this.state(o.path);
    s.query = text;
    s.results = searchCountries(text, o.lang, { limit: 12 });
    s.open = s.results.length > 0 || text.trim() !== '';
    s.active = -1;
    o.onValue(text, false);
    this.requestUpdate();
  }

  private onKeyDown(o: ComboboxRenderOptions, e: KeyboardEvent): void {
    const s = this.state(o.path);
    const input = e.target as HTMLInputElement;
    switch (e.key) {
      case 'ArrowDown':
      case 'ArrowUp': {
        e.preventDefault();
        if (!s.open) {
          s.results = searchCountries(s.query ?? input.value, o.lang, { limit: 12 });
          if (s.results.length === 0 && !(s.query ?? input.value)) s.results = [];
          s.open = true;
          if (!e.altKey && s.results.length) s.active = e.key === 'ArrowDown' ? 0 : s.results.length - 1;
        } else if (s.results.length) {
          const n = s.results.length;
          s.active = e.key === 'ArrowDown' ? (s.active + 1) % n : (s.active - 1 + n) % n;
        }
        this.requestUpdate();
        break;
      }
      case 'Enter':
        if (s.open && s.active >= 0 && s.results[s.active]) {
          e.preventDefault();
          this.choose(o, s.results[s.active]!);
        }
        break;
      case 'Escape':
        if (s.open) {
          e.preventDefault();
          s.open = false;
          s.active = -1;
        } else if (input.value) {
          e.preventDefault();
          s.query = '';
          o.onValue('', false);
        }
        this.requestUpdate();
        break;
      case 'Tab':
        s.open = false;
        this.requestUpdate();
        break;
      default:
    }
  }

  private onBlur(o: ComboboxRenderOptions): void {
    const s = this.state(o.path);
    if (s.query !== null) {
      // Accept an unambiguous exact match (code, or full name in either language); keep anything else as typed.
      const q = s.query.trim().toLowerCase();
      const exact = q ? searchCountries(s.query, o.lang, { limit: 50 }).filter(
        (c) => c.code.toLowerCase() === q || c.nameId.toLowerCase() === q || c.nameEn.toLowerCase() === q,
      ) : [];
      if (exact.length === 1) o.onValue(exact[0]!.code, true);
      else o.onValue(s.query, true);
      s.query = null;
    }
    s.open = false;
    s.active = -1;
    this.requestUpdate();
  }

  /** Renders the input, the listbox popup and the result-count status. */
  render(o: ComboboxRenderOptions): TemplateResult {
    const s = this.state(o.path);
    const listId = `${o.id}-listbox`;
    const optId = (c: Country): string => `${o.id}-opt-${c.code}`;
    const active = s.open && s.active >= 0 ? s.results[s.active] : undefined;
    const text = s.query ?? countryDisplay(o.value, o.lang);
    const showList = s.open && s.results.length > 0;
    return html`
      <div class="combobox" part="combobox">
        <input
          id=${o.id}
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck="false"
          aria-autocomplete="list"
          aria-expanded=${showList ? 'true' : 'false'}
          aria-controls=${listId}
          aria-activedescendant=${ifDefined(active ? optId(active) : undefined)}
          aria-describedby=${ifDefined(o.describedBy)}
          aria-invalid=${o.invalid ? 'true' : 'false'}
          aria-required=${o.required ? 'true' : 'false'}
          ?disabled=${o.disabled}
          .value=${text}
          part="input"
          @input=${(e: Event) => this.onInput(o, e)}
          @keydown=${(e: KeyboardEvent) => this.onKeyDown(o, e)}
          @blur=${() => this.onBlur(o)}
        />
        <ul id=${listId} role="listbox" class="listbox" part="listbox" ?hidden=${!showList} aria-label=${countryListLabel(o.lang)}>
          ${showList
            ? s.results.map(
                (c, i) => html`<li
                  id=${optId(c)}
                  role="option"
                  class=${i === s.active ? 'option active' : 'option'}
                  aria-selected=${i === s.active ? 'true' : 'false'}
                  @mousedown=${(e: Event) => e.preventDefault()}
                  @click=${() => this.choose(o, c)}
                >
                  ${o.lang === 'en' ? c.nameEn : c.nameId} <span class="code">${c.code}</span>
                </li>`,
              )
            : nothing}
        </ul>
        <span class="visually-hidden" role="status">${s.open
          ? s.results.length
            ? msg(o.lang, 'country.results', { n: s.results.length })
            : s.query?.trim()
              ? msg(o.lang, 'country.noResults')
              : ''
          : ''}</span>
        ${s.open && s.results.length === 0 && s.query?.trim()
          ? html`<p class="combobox-empty" aria-hidden="true">${msg(o.lang, 'country.noResults')}</p>`
          : nothing}
      </div>
    `;
  }
}

function countryListLabel(lang: FormLang): string {
  return lang === 'en' ? 'Countries' : 'Negara';
}
