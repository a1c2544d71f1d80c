import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
// Inline styles through CSSOM only: a style attribute would be blocked by a CSP without 'unsafe-inline'.
import { styleProps, type StyleProps } from '../shared/style-props.ts';
import { ContextConsumer } from '@lit/context';
import { timporaContext } from '../shared/context.ts';
import { LocalizeController } from '../shared/localize.ts';
import type { TimporaClient } from '../../sdk/client.ts';
import { conflictsAmong, conflictsForDraft, type Conflict } from '../../sdk/calendar/conflicts.ts';
import { exportIcs, importIcs, IcsImportError } from '../../sdk/calendar/ics.ts';
import { expandOperations, type Occurrence } from '../../sdk/calendar/recurrence.ts';
import {
  addLocalMinutes,
  isValidTimeZone,
  parseLocal,
  toInstant,
  toLocal,
  toLocalParts,
  viewerTimeZone,
  zoneAbbreviation,
  zoneOffset,
} from '../../sdk/calendar/zones.ts';
import type { Agency, Operation, OperationKind } from '../../sdk/model/types.ts';
import { OPERATION_KINDS, OPERATION_STATUSES, validateOperation } from '../../sdk/model/validate-operation.ts';
import { hasErrors, type ValidationIssue } from '../../sdk/model/validation.ts';
import {
  emptyForm,
  fieldIdFor,
  formFromOperation,
  operationFromForm,
  rruleFor,
  type DialogTarget,
  type DraftForm,
  type RecurrenceChoice,
} from './dialog-form.ts';
import {
  addDays,
  bucketByDay,
  dateMs,
  isValidDate,
  layoutLanes,
  midnight,
  startOfWeek,
  step,
  today,
  viewDays,
  viewerTime,
  VIEWS,
  type CalendarView,
  type Segment,
} from './layout.ts';
import { messages, type CalendarMessageKey } from './messages.ts';
import { styles } from './operation-calendar.styles.ts';

export type { CalendarView } from './layout.ts';

/** Detail of `timpora-operation-select`. */
export interface OperationSelectDetail {
  /** The operation (the series master for a recurring one). */
  operation: Operation;
  /** The occurrence chosen (for recurring operations, one slot of the series). */
  occurrence: Occurrence;
}

/** Detail of `timpora-operation-save` (cancelable: `preventDefault()` keeps the calendar unchanged). */
export interface OperationSaveDetail {
  /** The operation as it will be stored. */
  operation: Operation;
  /** The stored operation before the change; absent for a new one. */
  previous: Operation | undefined;
  /** `dialog` (create/edit form), `move` (drag or keyboard move/resize), `remove-occurrence` (EXDATE added). */
  reason: 'dialog' | 'move' | 'remove-occurrence';
  /** Conflict warnings the person saw and accepted. */
  conflicts: Conflict[];
}

/** Detail of `timpora-view-change`. */
export interface ViewChangeDetail {
  /** The view now shown. */
  view: CalendarView;
  /** The date the view is anchored on (`YYYY-MM-DD`, in the calendar's time zone). */
  date: string;
}

/** Detail of `timpora-operation-import` (cancelable). */
export interface OperationImportDetail {
  /** The operations parsed from the iCalendar file, not stored yet. */
  operations: Operation[];
}

/** Detail of `timpora-operation-import-error`. */
export interface OperationImportErrorDetail {
  /** Stable reason: an `IcsErrorCode` when the file could not be read, `store_failed` when saving failed. */
  code: string;
  /** Developer message in English (not for display; the calendar announces a localised one). */
  message: string;
}

type Port = TimporaClient['operations'];

interface DragState {
  key: string;
  mode: 'move' | 'resize';
  pointerId: number;
  x: number;
  y: number;
  active: boolean;
  target: HTMLElement | null;
  source: HTMLElement;
}

interface DialogState {
  target: DialogTarget;
  form: DraftForm;
  issues: ValidationIssue[];
  conflicts: Conflict[];
  /** Conflicts were shown; the next save goes through. */
  confirmed: boolean;
  reason: OperationSaveDetail['reason'];
  busy: boolean;
}

type AgendaRow = { kind: 'day'; date: string } | { kind: 'occ'; date: string; occ: Occurrence };

const MINUTE = 60_000;
const DATE_PRESETS = {
  long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
  weekdayDayMonth: { weekday: 'long', day: 'numeric', month: 'long' },
  monthYear: { month: 'long', year: 'numeric' },
  dayMonthShortYear: { day: 'numeric', month: 'short', year: 'numeric' },
  weekdayLong: { weekday: 'long' },
  weekdayShort: { weekday: 'short' },
  colhead: { weekday: 'short', day: 'numeric', month: 'short' },
  dayMonthShort: { day: 'numeric', month: 'short' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;
type DatePreset = keyof typeof DATE_PRESETS;

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: string, preset: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(preset);
  let f = fmtCache.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { ...preset, timeZone: 'UTC' });
    fmtCache.set(key, f);
  }
  return f;
}

const ZONE_CHOICES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'];

/**
 * Calendar of joint operations, coordination meetings, inspections and outreach of a Timpora team.
 *
 * Month, week, day and a virtualised agenda; filters by agency and kind; create/edit in a dialog with
 * validation and conflict warnings; move and resize by drag, by keyboard (Alt+arrows, Alt+Shift+arrows) and by
 * buttons in the dialog; recurring operations (RRULE, EXDATE, per-occurrence changes); iCalendar export/import.
 * Times are shown in the viewer's zone with the source zone first, e.g. "09.00 WITA (08.00 WIB)".
 *
 * Data: from the Timpora client handed down by `<timpora-provider>` (`client.operations`), or from the
 * `operations` property for pages without the SDK. Saves emit `timpora-operation-save` and, with a client,
 * are stored through it.
 *
 * @summary Operation and meeting calendar with time zones, recurrence, conflicts and iCalendar.
 * @tag timpora-operation-calendar
 *
 * @attr view - `month` (default), `week`, `day` or `agenda`.
 * @attr date - Focused date `YYYY-MM-DD` (default: today in the viewer's zone).
 * @attr time-zone - The viewer's IANA zone (default: the browser's).
 * @attr agency - The officer's agency: lead of new operations and owner when no client is used.
 * @attr filter-agency - Show only operations this agency leads or joins.
 * @attr filter-kind - Show only this kind.
 * @attr agenda-days - Days the agenda covers from `date` (default 31).
 * @attr max-per-day - Operations listed in a month cell before "+n more" (default 3).
 * @attr readonly - No creating, editing or moving.
 *
 * @event timpora-operation-select - An operation was activated. `detail`: {@link OperationSelectDetail}. Cancelable (prevents the edit dialog).
 * @event timpora-operation-save - An operation is about to be saved. `detail`: {@link OperationSaveDetail}. Cancelable.
 * @event timpora-operation-import - Operations read from an iCalendar file are about to be added. `detail`: {@link OperationImportDetail}. Cancelable.
 * @event timpora-operation-import-error - An iCalendar file was rejected; nothing was imported. `detail`: {@link OperationImportErrorDetail}.
 * @event timpora-view-change - View or date changed. `detail`: {@link ViewChangeDetail}.
 *
 * @csspart base - The wrapper.
 * @csspart toolbar - Navigation, view switch, filters and actions.
 * @csspart title - The period heading.
 * @csspart grid - The month / week / day grid or the agenda list.
 * @csspart day - A month day cell.
 * @csspart event - An operation chip.
 * @csspart dialog - The create/edit dialog.
 *
 * @cssproperty --timpora-calendar-color-joint-operation - Colour of joint operations.
 * @cssproperty --timpora-calendar-color-coordination-meeting - Colour of coordination meetings.
 * @cssproperty --timpora-calendar-color-inspection - Colour of inspections.
 * @cssproperty --timpora-calendar-color-outreach - Colour of outreach events.
 * @cssproperty --timpora-calendar-color-today - Background of today.
 * @cssproperty --timpora-calendar-color-conflict - Conflict marks.
 * @cssproperty --timpora-calendar-hour-height - Height of one hour in week and day views.
 * @cssproperty --timpora-calendar-agenda-height - Height of the agenda viewport.
 * @cssproperty --timpora-calendar-timegrid-height - Height of the week/day viewport.
 * @cssproperty --timpora-calendar-day-min-height - Minimum height of a month cell.
 */
export class TimporaOperationCalendar extends LitElement {
  /** @internal */
  static override styles = styles;

  /** Lit reactive property declarations (documented on each field below). @internal */
  static override properties = {
    view: { type: String, reflect: true },
    date: { type: String, reflect: true },
    timeZone: { type: String, attribute: 'time-zone' },
    agency: { type: String },
    filterAgency: { type: String, attribute: 'filter-agency' },
    filterKind: { type: String, attribute: 'filter-kind' },
    agendaDays: { type: Number, attribute: 'agenda-days' },
    maxPerDay: { type: Number, attribute: 'max-per-day' },
    readonly: { type: Boolean, reflect: true },
    operations: { attribute: false },
    agencies: { attribute: false },
    client: { attribute: false },
    _items: { state: true },
    _focusHour: { state: true },
    _agendaIndex: { state: true },
    _scrollTop: { state: true },
    _announce: { state: true },
    _dialog: { state: true },
    _loading: { state: true },
    _loadError: { state: true },
    _printing: { state: true },
  };

  /** Current view. */
  declare view: CalendarView;
  /** Focused date `YYYY-MM-DD`. */
  declare date: string;
  /** The viewer's IANA zone. */
  declare timeZone: string;
  /** The officer's agency id. */
  declare agency: string;
  /** Agency filter ('' = all). */
  declare filterAgency: string;
  /** Kind filter ('' = all). */
  declare filterKind: string;
  /** Days the agenda covers. */
  declare agendaDays: number;
  /** Chips per month cell before "+n more". */
  declare maxPerDay: number;
  /** Disables creating, editing and moving. */
  declare readonly: boolean;
  /** Operations to show when no Timpora client is provided. Updated in place of the client on save. */
  declare operations: Operation[];
  /** Agencies, for readable names in filters and forms (optional). */
  declare agencies: Agency[];
  /** A client set directly (otherwise taken from `<timpora-provider>` through context). */
  declare client: TimporaClient | undefined;

  declare private _items: Operation[];
  declare private _focusHour: number;
  declare private _agendaIndex: number;
  declare private _scrollTop: number;
  declare private _announce: string;
  declare private _dialog: DialogState | undefined;
  declare private _loading: boolean;
  declare private _loadError: string;
  declare private _printing: boolean;

  private readonly l10n = new LocalizeController(this);
  private contextClient: TimporaClient | undefined;
  private unsubscribe: (() => void) | undefined;
  private loadSeq = 0;
  private focusPending: 'cell' | 'event' | 'agenda' | undefined;
  private focusEventKey: string | undefined;
  private returnFocus: HTMLElement | undefined;
  private drag: DragState | undefined;
  private suppressClick = false;
  private agendaViewport = 560;
  private readonly onBeforePrint = (): void => {
    this._printing = true;
  };
  private readonly onAfterPrint = (): void => {
    this._printing = false;
  };

  // memoised view model
  private vmKey = '';
  private vm: {
    days: string[];
    occs: Occurrence[];
    byDay: Map<string, Segment[]>;
    conflictKeys: Set<string>;
    agendaRows: AgendaRow[];
  } = { days: [], occs: [], byDay: new Map(), conflictKeys: new Set(), agendaRows: [] };

  constructor() {
    super();
    this.view = 'month';
    this.timeZone = viewerTimeZone();
    this.date = today(this.timeZone);
    this.agency = '';
    this.filterAgency = '';
    this.filterKind = '';
    this.agendaDays = 31;
    this.maxPerDay = 3;
    this.readonly = false;
    this.operations = [];
    this.agencies = [];
    this.client = undefined;
    this._items = [];
    this._focusHour = 8;
    this._agendaIndex = 0;
    this._scrollTop = 0;
    this._announce = '';
    this._dialog = undefined;
    this._loading = false;
    this._loadError = '';
    this._printing = false;
    new ContextConsumer(this, {
      context: timporaContext,
      subscribe: true,
      callback: (client) => {
        this.contextClient = client ?? undefined;
        this.attachClient();
      },
    });
  }

  /** The client in use: the `client` property, else the one from context. */
  get activeClient(): TimporaClient | undefined {
    return this.client ?? this.contextClient;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('beforeprint', this.onBeforePrint);
    window.addEventListener('afterprint', this.onAfterPrint);
    this.attachClient();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('beforeprint', this.onBeforePrint);
    window.removeEventListener('afterprint', this.onAfterPrint);
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  // ------------------------------------------------------------------------------------------ data

  private attachedTo: Port | undefined;

  private attachClient(): void {
    const port = this.activeClient?.operations;
    if (port === this.attachedTo) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.attachedTo = port;
    if (!port) {
      this._items = this.operations;
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.unsubscribe = port.subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.reload(), 50);
    });
    void this.reload();
  }

  /** Reloads every operation from the client (no-op without one). */
  async reload(): Promise<void> {
    const port = this.attachedTo;
    if (!port) return;
    const seq = ++this.loadSeq;
    this._loading = true;
    this._loadError = '';
    try {
      const all: Operation[] = [];
      let cursor: string | undefined;
      do {
        const page = await port.query({ sort: 'start', limit: 1000, ...(cursor ? { cursor } : {}) });
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      if (seq === this.loadSeq) this._items = all;
    } catch (err) {
      if (seq === this.loadSeq) this._loadError = err instanceof Error ? err.message : String(err);
    } finally {
      if (seq === this.loadSeq) this._loading = false;
    }
  }

  private get zone(): string {
    return isValidTimeZone(this.timeZone) ? this.timeZone : 'Asia/Jakarta';
  }

  private get anchor(): string {
    return isValidDate(this.date) ? this.date : today(this.zone);
  }

  private matchesFilter(op: Operation): boolean {
    if (this.filterKind && op.kind !== this.filterKind) return false;
    const a = this.filterAgency;
    if (a && op.leadAgency !== a && !op.participatingAgencies.includes(a) && !op.team.some((m) => m.agencyId === a)) return false;
    return true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('operations') && !this.attachedTo) this._items = this.operations;
    if (changed.has('client')) this.attachClient();
    if (!VIEWS.includes(this.view)) this.view = 'month';
    const view = this.view;
    const zone = this.zone;
    const anchor = this.anchor;
    const days = viewDays(view, anchor, this.agendaDays);
    const key = [view, days[0], days.length, zone, this.filterAgency, this.filterKind].join('|');
    if (key === this.vmKey && !(changed as Map<PropertyKey, unknown>).has('_items')) return;
    this.vmKey = key;
    const from = midnight(days[0]!, zone);
    const to = midnight(addDays(days[days.length - 1]!, 1), zone);
    const items = this.filterAgency || this.filterKind ? this._items.filter((o) => this.matchesFilter(o)) : this._items;
    const occs = expandOperations(items, from, to);
    const conflictKeys = new Set<string>();
    for (const c of conflictsAmong(occs)) {
      conflictKeys.add(c.a);
      conflictKeys.add(c.b);
    }
    let byDay = new Map<string, Segment[]>();
    let agendaRows: AgendaRow[] = [];
    if (view === 'agenda') {
      agendaRows = [];
      let last = '';
      for (const occ of occs) {
        const d = viewerTime(Math.max(occ.startMs, from), zone).date;
        if (d !== last) {
          agendaRows.push({ kind: 'day', date: d });
          last = d;
        }
        agendaRows.push({ kind: 'occ', date: d, occ });
      }
      if (changed.has('date') || changed.has('view')) {
        this._agendaIndex = 0;
        this._scrollTop = 0;
      }
    } else {
      byDay = bucketByDay(occs, days, zone);
    }
    this.vm = { days, occs, byDay, conflictKeys, agendaRows };
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('view') || changed.has('date')) {
      this.dispatchEvent(new CustomEvent<ViewChangeDetail>('timpora-view-change', { detail: { view: this.view, date: this.anchor }, bubbles: true, composed: true }));
    }
    if (changed.has('view') && (this.view === 'week' || this.view === 'day')) {
      const grid = this.renderRoot.querySelector<HTMLElement>('.timegrid');
      const slot = grid?.querySelector<HTMLElement>(`[data-hour="${Math.max(0, this._focusHour - 1)}"]`);
      if (grid && slot) grid.scrollTop = slot.offsetTop - (grid.querySelector<HTMLElement>('.head')?.offsetHeight ?? 0);
    }
    if (this.view === 'agenda') {
      const list = this.renderRoot.querySelector<HTMLElement>('.agenda');
      if (list) {
        this.agendaViewport = list.clientHeight || this.agendaViewport;
        if (Math.abs(list.scrollTop - this._scrollTop) > 1) list.scrollTop = this._scrollTop;
      }
    }
    const pending = this.focusPending;
    if (pending) {
      this.focusPending = undefined;
      let el: HTMLElement | null = null;
      if (pending === 'event' && this.focusEventKey) {
        el = this.renderRoot.querySelector<HTMLElement>(`.event[data-key="${CSS.escape(this.focusEventKey)}"]`);
      }
      if (!el && pending === 'agenda') el = this.renderRoot.querySelector<HTMLElement>(`.agenda [data-index="${this._agendaIndex}"]`);
      if (!el) el = this.renderRoot.querySelector<HTMLElement>('[role="gridcell"][tabindex="0"]');
      el?.focus();
    }
  }

  // ------------------------------------------------------------------------------------------ formatting

  private t(key: CalendarMessageKey, params?: Record<string, string | number>): string {
    return this.l10n.t(messages, key, params);
  }

  private time(ms: number, zone: string): string {
    // Same output as Intl (h23, 2-digit) for both languages, without an Intl call per chip.
    const p = toLocalParts(ms, zone);
    const sep = this.l10n.lang === 'id' ? '.' : ':';
    return `${p.hour < 10 ? '0' : ''}${p.hour}${sep}${p.minute < 10 ? '0' : ''}${p.minute}`;
  }

  private abbr(zone: string, ms: number): string {
    return zoneAbbreviation(zone, ms, this.l10n.locale);
  }

  private sameClock(zone: string, ms: number): boolean {
    return zone === this.zone || zoneOffset(zone, ms) === zoneOffset(this.zone, ms);
  }

  /** "09.00 WITA (08.00 WIB)" for a start; with `end`, a range. */
  timeLabel(occ: Occurrence, withEnd = true): string {
    const src = occ.operation.timeZone;
    const v = this.zone;
    const range = (z: string): string =>
      withEnd ? `${this.time(occ.startMs, z)}–${this.time(occ.endMs, z)} ${this.abbr(z, occ.startMs)}` : `${this.time(occ.startMs, z)} ${this.abbr(z, occ.startMs)}`;
    let srcLabel: string;
    try {
      srcLabel = range(src);
    } catch {
      return range(v);
    }
    if (this.sameClock(src, occ.startMs) && this.abbr(src, occ.startMs) === this.abbr(v, occ.startMs)) return srcLabel;
    return `${srcLabel} (${range(v)})`;
  }

  private readonly dateMemo = new Map<string, string>();
  private agencyOptions: string[] = [];
  private agencyOptionsFor: Operation[] | undefined;
  private agencyOptionsAgencies: Agency[] | undefined;

  private dateLabel(date: string, preset: DatePreset = 'long'): string {
    const key = `${this.l10n.locale}|${preset}|${date}`;
    let v = this.dateMemo.get(key);
    if (v === undefined) {
      v = fmt(this.l10n.locale, DATE_PRESETS[preset]).format(dateMs(date));
      if (this.dateMemo.size > 5000) this.dateMemo.clear();
      this.dateMemo.set(key, v);
    }
    return v;
  }

  /** Spoken details after the visible time and title: kind, date and full time range, status, marks. */
  private eventDetails(occ: Occurrence): string {
    const date = this.dateLabel(viewerTime(occ.startMs, this.zone).date, 'weekdayDayMonth');
    const parts = [this.t(`kind_${occ.operation.kind}`), `${date} ${this.timeLabel(occ)}`, this.t(`status_${occ.status}`)];
    if (occ.recurring) parts.push(this.t('recurring'));
    if (this.vm.conflictKeys.has(occ.key)) parts.push(this.t('conflict'));
    return parts.join('. ') + '.';
  }

  private agencyName(id: string): string {
    const a = this.agencies.find((x) => x.id === id);
    return a ? (a.shortName ?? a.name) : id;
  }

  private get periodTitle(): string {
    const days = this.vm.days;
    if (this.view === 'month') return this.dateLabel(this.anchor, 'monthYear');
    if (this.view === 'day') return this.dateLabel(this.anchor);
    const first = days[0] ?? this.anchor;
    const last = days[days.length - 1] ?? this.anchor;
    return `${this.dateLabel(first, 'dayMonthShortYear')} – ${this.dateLabel(last, 'dayMonthShortYear')}`;
  }

  // ------------------------------------------------------------------------------------------ render

  override render(): TemplateResult {
    return html`
      <div class="base" part="base">
        ${this.renderToolbar()}
        <p class="zone-note">${this.t('zoneNote', { zone: `${this.zone} · ${this.abbr(this.zone, Date.now())}` })}</p>
        ${this._loading ? html`<p role="status">${this.t('loading')}</p>` : nothing}
        ${this._loadError ? html`<p class="error-banner" role="alert">${this.t('loadFailed', { reason: this._loadError })}</p>` : nothing}
        <p id="help" class="visually-hidden">${this.view === 'agenda' ? this.t('agendaHelp') : this.t('gridHelp')}</p>
        ${this.view === 'month' ? this.renderMonth() : this.view === 'agenda' ? this.renderAgenda() : this.renderTimeGrid()}
        <div class="visually-hidden" role="status" aria-live="polite" id="live">${this._announce}</div>
        ${this.renderDialog()}
      </div>
    `;
  }

  private renderToolbar(): TemplateResult {
    if (this.agencyOptionsFor !== this._items || this.agencyOptionsAgencies !== this.agencies) {
      const ids = new Set<string>();
      for (const op of this._items) {
        ids.add(op.leadAgency);
        for (const a of op.participatingAgencies) ids.add(a);
      }
      for (const a of this.agencies) ids.add(a.id);
      this.agencyOptions = [...ids].sort();
      this.agencyOptionsFor = this._items;
      this.agencyOptionsAgencies = this.agencies;
    }
    const sorted = this.filterAgency && !this.agencyOptions.includes(this.filterAgency) ? [...this.agencyOptions, this.filterAgency] : this.agencyOptions;
    return html`
      <div class="toolbar" part="toolbar" role="group" aria-label=${this.t('toolbar')}>
        <div class="group">
          <button type="button" @click=${() => this.go(today(this.zone))}>${this.t('today')}</button>
          <button type="button" aria-label=${this.t('previous')} @click=${() => this.go(step(this.view, this.anchor, -1, this.agendaDays))}>‹</button>
          <button type="button" aria-label=${this.t('next')} @click=${() => this.go(step(this.view, this.anchor, 1, this.agendaDays))}>›</button>
        </div>
        <h2 id="title" part="title" aria-live="polite">${this.periodTitle}</h2>
        <div class="group" role="group" aria-label=${this.t('views')}>
          ${VIEWS.map(
            (v) => html`<button type="button" aria-pressed=${this.view === v ? 'true' : 'false'} @click=${() => this.setView(v)}>${this.t(`view_${v}`)}</button>`,
          )}
        </div>
        <label class="inline"
          >${this.t('filterAgency')}
          <select @change=${(e: Event) => (this.filterAgency = (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${!this.filterAgency}>${this.t('allAgencies')}</option>
            ${sorted.map((id) => html`<option value=${id} ?selected=${this.filterAgency === id}>${this.agencyName(id)}</option>`)}
          </select>
        </label>
        <label class="inline"
          >${this.t('filterKind')}
          <select @change=${(e: Event) => (this.filterKind = (e.target as HTMLSelectElement).value)}>
            <option value="" ?selected=${!this.filterKind}>${this.t('allKinds')}</option>
            ${OPERATION_KINDS.map((k) => html`<option value=${k} ?selected=${this.filterKind === k}>${this.t(`kind_${k}`)}</option>`)}
          </select>
        </label>
        <div class="group">
          ${this.readonly ? nothing : html`<button type="button" class="primary" @click=${() => this.openNew()}>${this.t('newOperation')}</button>`}
          <button type="button" @click=${() => this.downloadIcs()}>${this.t('exportIcs')}</button>
          ${this.readonly
            ? nothing
            : html`<label class="file-label"
                >${this.t('importIcs')}<input class="visually-hidden" type="file" accept=".ics,text/calendar" @change=${this.onImportFile}
              /></label>`}
          <button type="button" @click=${() => window.print()}>${this.t('print')}</button>
        </div>
      </div>
    `;
  }

  private chip(occ: Occurrence, seg: Segment | undefined, focusable: boolean, style: StyleProps = {}): TemplateResult {
    const conflict = this.vm.conflictKeys.has(occ.key);
    const cls = `event k-${occ.operation.kind} s-${occ.status}${conflict ? ' conflict' : ''}`;
    const timed = seg !== undefined;
    const time = this.timeLabel(occ, false);
    // The accessible name starts with the visible text (WCAG 2.5.3) and adds what is not shown.
    return html`<button
      type="button"
      class=${cls}
      part="event"
      data-key=${occ.key}
      tabindex=${focusable ? '0' : '-1'}
      ${styleProps(style)}
      aria-label=${`${time} ${occ.title}. ${this.eventDetails(occ)}`}
      @click=${(e: Event) => this.onEventClick(e, occ)}
      @keydown=${(e: KeyboardEvent) => this.onEventKey(e, occ)}
      @pointerdown=${(e: PointerEvent) => this.onPointerDown(e, occ, 'move')}
    >
      ${conflict ? html`<span class="mark" aria-hidden="true">⚠</span>` : nothing}
      <span class="time">${time}</span>
      <span class="title">${occ.title}</span>
      ${timed && seg.tail && !this.readonly
        ? html`<span class="handle" aria-hidden="true" @pointerdown=${(e: PointerEvent) => this.onPointerDown(e, occ, 'resize')}></span>`
        : nothing}
    </button>`;
  }

  private renderMonth(): TemplateResult {
    const { days, byDay } = this.vm;
    const anchor = this.anchor;
    const month = anchor.slice(0, 7);
    const todayDate = today(this.zone);
    const weeks: string[][] = [];
    for (let i = 0; i < days.length; i += 7) weeks.push(days.slice(i, i + 7));
    const max = this._printing ? Infinity : Math.max(1, this.maxPerDay);
    return html`
      <div class="month" part="grid" role="grid" aria-labelledby="title" aria-describedby="help" @keydown=${this.onGridKey}>
        <div role="row">
          ${(weeks[0] ?? []).map(
            (d) => html`<div role="columnheader" class="weekday" aria-label=${this.dateLabel(d, 'weekdayLong')}>${this.dateLabel(d, 'weekdayShort')}</div>`,
          )}
        </div>
        ${weeks.map(
          (week) => html`<div role="row">
            ${week.map((d) => {
              const segs = byDay.get(d) ?? [];
              const focused = d === anchor;
              const label = this.t(d === todayDate ? 'dayLabelToday' : 'dayLabel', { date: this.dateLabel(d), count: segs.length });
              const shown = segs.length > max ? segs.slice(0, max) : segs;
              const hidden = segs.length - shown.length;
              return html`<div
                role="gridcell"
                part="day"
                class="day${d.slice(0, 7) !== month ? ' other' : ''}${d === todayDate ? ' today' : ''}"
                data-date=${d}
                tabindex=${focused ? '0' : '-1'}
                aria-selected=${focused ? 'true' : 'false'}
                @click=${(e: Event) => this.onCellClick(e, d)}
              >
                <span class="num"><span aria-hidden="true">${Number(d.slice(8))}</span><span class="visually-hidden">${label}</span></span>
                ${shown.map((s) => this.chip(s.occ, undefined, focused))}
                ${hidden > 0
                  ? html`<button
                      type="button"
                      class="more"
                      tabindex=${focused ? '0' : '-1'}
                      aria-label=${this.t('moreLabel', { n: hidden, date: this.dateLabel(d) })}
                      @click=${() => this.openDay(d)}
                    >
                      ${this.t('more', { n: hidden })}
                    </button>`
                  : nothing}
              </div>`;
            })}
          </div>`,
        )}
      </div>
    `;
  }

  private renderTimeGrid(): TemplateResult {
    const { days, byDay } = this.vm;
    const anchor = this.anchor;
    const todayDate = today(this.zone);
    // segments per day and start hour, lanes laid out per day
    const perHour = new Map<string, Segment[]>();
    for (const d of days) {
      for (const s of layoutLanes(byDay.get(d) ?? [])) {
        const k = `${d}|${Math.min(23, Math.floor(s.from / 60))}`;
        const list = perHour.get(k);
        if (list) list.push(s);
        else perHour.set(k, [s]);
      }
    }
    const hours = Array.from({ length: 24 }, (_, h) => h);
    return html`
      <div class="timegrid" part="grid" role="grid" aria-labelledby="title" aria-describedby="help" ${styleProps({ '--_cols': days.length })} @keydown=${this.onGridKey}>
        <div role="row" class="head">
          <div role="columnheader" class="colhead"><span class="visually-hidden">${this.t('fieldStart')}</span></div>
          ${days.map(
            (d) => html`<div role="columnheader" class="colhead${d === todayDate ? ' today' : ''}">${this.dateLabel(d, 'colhead')}</div>`,
          )}
        </div>
        ${hours.map(
          (h) => html`<div role="row">
            <div role="rowheader" class="hourhead">${String(h).padStart(2, '0')}:00</div>
            ${days.map((d) => {
              const segs = perHour.get(`${d}|${h}`) ?? [];
              const focused = d === anchor && h === this._focusHour;
              return html`<div
                role="gridcell"
                class="slot"
                data-date=${d}
                data-hour=${h}
                tabindex=${focused ? '0' : '-1'}
                @click=${(e: Event) => this.onCellClick(e, d, h)}
              >
                <span class="visually-hidden">${this.t('hourLabel', { date: this.dateLabel(d), time: `${String(h).padStart(2, '0')}:00` })}</span>
                ${segs.map((s) => {
                  const top = ((s.from - h * 60) / 60).toFixed(4);
                  const height = (Math.max(15, s.to - s.from) / 60).toFixed(4);
                  const style: StyleProps = {
                    top: `calc(var(--_hour) * ${top})`,
                    height: `calc(var(--_hour) * ${height} - 2px)`,
                    left: `${((s.lane / s.lanes) * 100).toFixed(3)}%`,
                    width: `${(100 / s.lanes).toFixed(3)}%`,
                  };
                  return this.chip(s.occ, s, focused, style);
                })}
              </div>`;
            })}
          </div>`,
        )}
      </div>
    `;
  }

  private renderAgenda(): TemplateResult {
    const rows = this.vm.agendaRows;
    const rowH = 56;
    const total = rows.length;
    const label = this.t('agendaLabel', { count: this.vm.occs.length });
    if (total === 0) {
      return html`<div class="agenda" part="grid" role="grid" aria-label=${label} tabindex="0">
        <div role="row"><div role="gridcell" class="empty">${this.t('noOperations')}</div></div>
      </div>`;
    }
    const viewport = this.agendaViewport;
    let first = 0;
    let last = total - 1;
    if (!this._printing) {
      first = Math.max(0, Math.floor(this._scrollTop / rowH) - 6);
      last = Math.min(total - 1, Math.ceil((this._scrollTop + viewport) / rowH) + 6);
    }
    const focus = Math.min(this._agendaIndex, total - 1);
    const focusIndex = focus >= first && focus <= last ? focus : first;
    const out: TemplateResult[] = [];
    for (let i = first; i <= last; i++) {
      const r = rows[i]!;
      const tab = i === focusIndex ? '0' : '-1';
      const style = styleProps({ transform: `translateY(${i * rowH}px)` });
      if (r.kind === 'day') {
        out.push(html`<div role="row" class="arow dayrow" aria-rowindex=${i + 1} ${style}>
          <div role="gridcell" data-index=${i} tabindex=${tab}>${this.dateLabel(r.date)}</div>
        </div>`);
      } else {
        out.push(html`<div role="row" class="arow" aria-rowindex=${i + 1} ${style}>
          <div role="gridcell" data-index=${i} tabindex=${tab}>${this.chip(r.occ, undefined, false)}</div>
        </div>`);
      }
    }
    return html`
      <div
        class="agenda"
        part="grid"
        role="grid"
        aria-label=${label}
        aria-describedby="help"
        aria-rowcount=${total}
        @scroll=${this.onAgendaScroll}
        @keydown=${this.onAgendaKey}
        @focusin=${this.onAgendaFocus}
      >
        <div class="rows" role="rowgroup" ${styleProps({ height: `${total * rowH}px` })}>${out}</div>
      </div>
    `;
  }

  // ------------------------------------------------------------------------------------------ navigation

  /** Moves to `date` (keeps the view). */
  go(date: string): void {
    if (!isValidDate(date)) return;
    this.date = date;
  }

  /** Switches view. */
  setView(view: CalendarView): void {
    if (VIEWS.includes(view)) this.view = view;
  }

  private openDay(date: string): void {
    this.date = date;
    this.view = 'day';
    this.focusPending = 'cell';
  }

  private onCellClick(e: Event, date: string, hour?: number): void {
    if ((e.target as HTMLElement).closest('.event, .more')) return;
    if (this.suppressClick) return;
    this.date = date;
    if (hour !== undefined) this._focusHour = hour;
    this.focusPending = 'cell';
  }

  private onGridKey = (e: KeyboardEvent): void => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[role="gridcell"]');
    if (!cell || e.target !== cell || e.altKey || e.metaKey) return;
    const date = this.anchor;
    let next = date;
    let hour = this._focusHour;
    const timed = this.view !== 'month';
    switch (e.key) {
      case 'ArrowLeft':
        next = addDays(date, -1);
        break;
      case 'ArrowRight':
        next = addDays(date, 1);
        break;
      case 'ArrowUp':
        if (timed) hour = Math.max(0, hour - 1);
        else next = addDays(date, -7);
        break;
      case 'ArrowDown':
        if (timed) hour = Math.min(23, hour + 1);
        else next = addDays(date, 7);
        break;
      case 'Home':
        if (e.ctrlKey && timed) hour = 0;
        else next = this.view === 'day' ? date : startOfWeek(date);
        break;
      case 'End':
        if (e.ctrlKey && timed) hour = 23;
        else next = this.view === 'day' ? date : addDays(startOfWeek(date), 6);
        break;
      case 'PageUp':
        next = this.view === 'month' ? step('month', date, e.shiftKey ? -12 : -1, 0) : step(this.view, date, -1, 0);
        break;
      case 'PageDown':
        next = this.view === 'month' ? step('month', date, e.shiftKey ? 12 : 1, 0) : step(this.view, date, 1, 0);
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (this.view === 'month') this.openDay(date);
        else if (!this.readonly) this.openNew(date, hour);
        return;
      default:
        return;
    }
    e.preventDefault();
    this.date = next;
    this._focusHour = hour;
    this.focusPending = 'cell';
  };

  private onAgendaScroll = (e: Event): void => {
    const top = (e.target as HTMLElement).scrollTop;
    if (Math.floor(top / 56) !== Math.floor(this._scrollTop / 56)) this._scrollTop = top;
    else this._scrollTop = top;
  };

  private onAgendaFocus = (e: FocusEvent): void => {
    const idx = (e.target as HTMLElement).closest<HTMLElement>('[data-index]')?.dataset['index'];
    if (idx !== undefined) this._agendaIndex = Number(idx);
  };

  private onAgendaKey = (e: KeyboardEvent): void => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!cell || e.altKey) return;
    const total = this.vm.agendaRows.length;
    const page = Math.max(1, Math.floor(this.agendaViewport / 56) - 1);
    let i = this._agendaIndex;
    switch (e.key) {
      case 'ArrowUp':
        i -= 1;
        break;
      case 'ArrowDown':
        i += 1;
        break;
      case 'PageUp':
        i -= page;
        break;
      case 'PageDown':
        i += page;
        break;
      case 'Home':
        i = 0;
        break;
      case 'End':
        i = total - 1;
        break;
      case 'Enter':
      case ' ': {
        const row = this.vm.agendaRows[i];
        if (row?.kind === 'occ' && e.target === cell) {
          e.preventDefault();
          this.select(row.occ, cell);
        }
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    i = Math.max(0, Math.min(total - 1, i));
    this._agendaIndex = i;
    const top = i * 56;
    if (top < this._scrollTop) this._scrollTop = top;
    else if (top + 56 > this._scrollTop + this.agendaViewport) this._scrollTop = top + 56 - this.agendaViewport;
    this.focusPending = 'agenda';
  };

  // ------------------------------------------------------------------------------------------ events, moves

  private onEventClick(e: Event, occ: Occurrence): void {
    e.stopPropagation();
    if (this.suppressClick) {
      this.suppressClick = false;
      return;
    }
    this.select(occ, e.currentTarget as HTMLElement);
  }

  private select(occ: Occurrence, from: HTMLElement): void {
    const ok = this.dispatchEvent(
      new CustomEvent<OperationSelectDetail>('timpora-operation-select', { detail: { operation: occ.operation, occurrence: occ }, bubbles: true, composed: true, cancelable: true }),
    );
    if (!ok || this.readonly) return;
    this.returnFocus = from;
    this.openEdit(occ);
  }

  private onEventKey(e: KeyboardEvent, occ: Occurrence): void {
    if (!e.altKey || this.readonly) return;
    const timed = this.view === 'week' || this.view === 'day';
    let start = 0;
    let end = 0;
    if (e.shiftKey) {
      if (e.key === 'ArrowUp') end = -15;
      else if (e.key === 'ArrowDown') end = 15;
      else return;
    } else {
      switch (e.key) {
        case 'ArrowLeft':
          start = end = -1440;
          break;
        case 'ArrowRight':
          start = end = 1440;
          break;
        case 'ArrowUp':
          start = end = timed ? -15 : -7 * 1440;
          break;
        case 'ArrowDown':
          start = end = timed ? 15 : 7 * 1440;
          break;
        default:
          return;
      }
    }
    e.preventDefault();
    e.stopPropagation();
    void this.moveOccurrence(occ, start, end);
  }

  private onPointerDown(e: PointerEvent, occ: Occurrence, mode: 'move' | 'resize'): void {
    if (this.readonly || e.button !== 0 || this.view === 'agenda') return;
    if (mode === 'resize') e.stopPropagation();
    const source = (e.currentTarget as HTMLElement).closest<HTMLElement>('.event')!;
    this.drag = { key: occ.key, mode, pointerId: e.pointerId, x: e.clientX, y: e.clientY, active: false, target: null, source };
    source.setPointerCapture?.(e.pointerId);
    const move = (ev: PointerEvent): void => this.onPointerMove(ev);
    const up = (ev: PointerEvent): void => {
      source.removeEventListener('pointermove', move);
      source.removeEventListener('pointerup', up);
      source.removeEventListener('pointercancel', up);
      this.onPointerUp(ev, occ);
    };
    source.addEventListener('pointermove', move);
    source.addEventListener('pointerup', up);
    source.addEventListener('pointercancel', up);
  }

  private dropTargetAt(x: number, y: number): HTMLElement | null {
    const root = this.renderRoot as ShadowRoot;
    const els = root.elementsFromPoint ? root.elementsFromPoint(x, y) : [];
    for (const el of els) {
      const cell = (el as HTMLElement).closest?.<HTMLElement>('[data-date]');
      if (cell && !cell.classList.contains('event')) return cell;
    }
    return null;
  }

  private onPointerMove(e: PointerEvent): void {
    const d = this.drag;
    if (!d || e.pointerId !== d.pointerId) return;
    if (!d.active && Math.hypot(e.clientX - d.x, e.clientY - d.y) < 5) return;
    d.active = true;
    d.source.classList.add('dragging');
    const target = this.dropTargetAt(e.clientX, e.clientY);
    if (target !== d.target) {
      d.target?.classList.remove('drop-target');
      target?.classList.add('drop-target');
      d.target = target;
    }
  }

  private onPointerUp(e: PointerEvent, occ: Occurrence): void {
    const d = this.drag;
    this.drag = undefined;
    if (!d) return;
    d.source.classList.remove('dragging');
    d.target?.classList.remove('drop-target');
    if (!d.active) return;
    this.suppressClick = true;
    setTimeout(() => (this.suppressClick = false), 0);
    const target = e.type === 'pointercancel' ? null : this.dropTargetAt(e.clientX, e.clientY);
    if (!target) return;
    const date = target.dataset['date']!;
    const hourAttr = target.dataset['hour'];
    const start = viewerTime(occ.startMs, this.zone);
    const dayDelta = Math.round((dateMs(date) - dateMs(start.date)) / 86_400_000) * 1440;
    if (hourAttr === undefined) {
      if (dayDelta !== 0 && d.mode === 'move') void this.moveOccurrence(occ, dayDelta, dayDelta);
      return;
    }
    const rect = target.getBoundingClientRect();
    const quarter = Math.max(0, Math.min(3, Math.floor(((e.clientY - rect.top) / Math.max(1, rect.height)) * 4)));
    const minutes = Number(hourAttr) * 60 + quarter * 15;
    if (d.mode === 'move') {
      const delta = dayDelta + minutes - start.minutes;
      if (delta !== 0) void this.moveOccurrence(occ, delta, delta);
    } else {
      const end = viewerTime(occ.endMs, this.zone);
      const targetEnd = (dateMs(date) - dateMs(end.date)) / 60_000 + minutes + 15;
      const delta = targetEnd - end.minutes;
      if (delta !== 0) void this.moveOccurrence(occ, 0, delta);
    }
  }

  /** The operation after moving one occurrence by minutes (start and end separately). */
  movedOperation(occ: Occurrence, startMinutes: number, endMinutes: number): Operation | undefined {
    const op = occ.operation;
    const s = occ.startMs + startMinutes * MINUTE;
    const e = occ.endMs + endMinutes * MINUTE;
    if (e - s < 15 * MINUTE) return undefined;
    const start = toLocal(s, op.timeZone);
    const end = toLocal(e, op.timeZone);
    const now = new Date().toISOString();
    if (occ.recurring && op.recurrence) {
      const overrides = { ...(op.recurrence.overrides ?? {}) };
      overrides[occ.originalStart] = { ...(overrides[occ.originalStart] ?? {}), start, end };
      return { ...op, recurrence: { ...op.recurrence, overrides }, updatedAt: now, version: op.version + 1 };
    }
    return { ...op, start, end, updatedAt: now, version: op.version + 1 };
  }

  /**
   * Moves (or resizes) one occurrence by whole minutes; recurring operations get an override for that
   * occurrence. Saves directly when nothing conflicts, otherwise opens the dialog with the warnings.
   * @returns true when saved.
   */
  async moveOccurrence(occ: Occurrence, startMinutes: number, endMinutes: number): Promise<boolean> {
    const updated = this.movedOperation(occ, startMinutes, endMinutes);
    if (!updated) return false;
    const conflicts = conflictsForDraft(updated, this._items);
    const newOcc = this.occurrenceAfter(updated, occ);
    if (conflicts.length) {
      const form = formFromOperation(updated, newOcc);
      this.returnFocus = undefined;
      this.showDialog({ target: { base: occ.operation, ...(newOcc ? { occurrence: { ...newOcc, operation: occ.operation } } : {}) }, form, issues: [], conflicts, confirmed: true, reason: 'move', busy: false });
      return false;
    }
    const saved = await this.persist(updated, occ.operation, 'move', []);
    if (saved && newOcc) {
      this.focusEventKey = newOcc.key;
      this.focusPending = 'event';
      const viewerDate = viewerTime(newOcc.startMs, this.zone).date;
      if (this.view !== 'agenda' && !this.vm.days.includes(viewerDate)) this.date = viewerDate;
      this.announce(this.t('moved', { title: newOcc.title, time: `${this.dateLabel(viewerDate)} ${this.timeLabel(newOcc)}` }));
    }
    return saved;
  }

  private occurrenceAfter(op: Operation, before: Occurrence): Occurrence | undefined {
    const list = expandOperations([op], before.startMs - 400 * 86_400_000, before.endMs + 400 * 86_400_000);
    return list.find((o) => o.key === before.key);
  }

  private announce(text: string): void {
    // Clear first so the same text is announced twice in a row.
    this._announce = '';
    void this.updateComplete.then(() => (this._announce = text));
  }

  // ------------------------------------------------------------------------------------------ saving

  private async persist(op: Operation, previous: Operation | undefined, reason: OperationSaveDetail['reason'], conflicts: Conflict[]): Promise<boolean> {
    const ok = this.dispatchEvent(
      new CustomEvent<OperationSaveDetail>('timpora-operation-save', { detail: { operation: op, previous, reason, conflicts }, bubbles: true, composed: true, cancelable: true }),
    );
    if (!ok) return false;
    let stored = op;
    const port = this.attachedTo;
    if (port) {
      try {
        // The client versions writes itself: send the version the operation was read at.
        stored = await port.put({ ...op, version: previous?.version ?? 0 });
      } catch (err) {
        this.announce(this.t('saveFailed', { reason: err instanceof Error ? err.message : String(err) }));
        return false;
      }
    }
    const i = this._items.findIndex((o) => o.id === stored.id);
    const next = [...this._items];
    if (i >= 0) next[i] = stored;
    else next.push(stored);
    this._items = next;
    if (!port) this.operations = next;
    return true;
  }

  // ------------------------------------------------------------------------------------------ dialog

  /** Opens the dialog for a new operation (at a date and hour in the viewer's zone). */
  openNew(date: string = this.anchor, hour = 9): void {
    if (this.readonly) return;
    const zone = ZONE_CHOICES.includes(this.zone) ? this.zone : 'Asia/Jakarta';
    const ms = toInstant(`${date}T${String(hour).padStart(2, '0')}:00`, this.zone);
    const start = toLocal(ms, zone);
    const form = emptyForm(start, addLocalMinutes(start, 120), zone, this.agency);
    this.returnFocus = (this.renderRoot as ShadowRoot).activeElement as HTMLElement | undefined ?? undefined;
    this.showDialog({ target: {}, form, issues: [], conflicts: [], confirmed: false, reason: 'dialog', busy: false });
  }

  /** Opens the dialog for an occurrence. */
  openEdit(occ: Occurrence): void {
    this.showDialog({ target: { base: occ.operation, occurrence: occ }, form: formFromOperation(occ.operation, occ), issues: [], conflicts: [], confirmed: false, reason: 'dialog', busy: false });
  }

  private showDialog(state: DialogState): void {
    this._dialog = state;
    void this.updateComplete.then(() => {
      const dlg = this.renderRoot.querySelector('dialog');
      if (dlg && !dlg.open) dlg.showModal();
      if (state.conflicts.length) this.renderRoot.querySelector<HTMLElement>('#dlg-warnings')?.focus();
      else this.renderRoot.querySelector<HTMLElement>('#f-title')?.focus();
    });
  }

  /** Closes the dialog without saving. */
  closeDialog(): void {
    const dlg = this.renderRoot.querySelector('dialog');
    if (dlg?.open) dlg.close();
    this._dialog = undefined;
    const back = this.returnFocus;
    this.returnFocus = undefined;
    if (back?.isConnected) back.focus();
    else this.focusPending = 'cell';
  }

  private setForm(patch: Partial<DraftForm>): void {
    const d = this._dialog;
    if (!d) return;
    this._dialog = { ...d, form: { ...d.form, ...patch }, confirmed: d.reason === 'move' ? d.confirmed : false };
  }

  private shiftForm(startMinutes: number, endMinutes: number): void {
    const f = this._dialog?.form;
    if (!f || !parseLocal(f.start) || !parseLocal(f.end)) return;
    const start = addLocalMinutes(f.start, startMinutes);
    const end = addLocalMinutes(f.end, endMinutes);
    if (Date.parse(end + ':00Z') - Date.parse(start + ':00Z') < 15 * MINUTE) return;
    this.setForm({ start, end });
  }

  private buildDraft(d: DialogState): Operation {
    return operationFromForm(d.form, d.target, {
      now: new Date().toISOString(),
      newId: () => (globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : `op-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`),
      sourceAgency: this.agency || d.form.leadAgency || 'unknown',
    });
  }

  /** Validates the dialog, shows errors or conflict warnings, and saves. */
  async submitDialog(): Promise<boolean> {
    const d = this._dialog;
    if (!d || d.busy) return false;
    const draft = this.buildDraft(d);
    const issues = validateOperation(draft).filter((i) => i.code !== 'unknown_field');
    if (hasErrors(issues)) {
      this._dialog = { ...d, issues, conflicts: [], confirmed: false };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#dlg-summary')?.focus();
      return false;
    }
    const conflicts = conflictsForDraft(draft, this._items);
    if (conflicts.length && !d.confirmed) {
      this._dialog = { ...d, issues, conflicts, confirmed: true };
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('#dlg-warnings')?.focus();
      return false;
    }
    this._dialog = { ...d, busy: true };
    const ok = await this.persist(draft, d.target.base, d.reason, conflicts);
    if (ok) {
      this.closeDialog();
      this.announce(this.t('saved', { title: d.form.title.trim() || draft.title }));
    } else if (this._dialog) {
      this._dialog = { ...this._dialog, busy: false };
    }
    return ok;
  }

  private async removeOccurrence(): Promise<void> {
    const d = this._dialog;
    const occ = d?.target.occurrence;
    const base = d?.target.base;
    if (!d || !occ || !base?.recurrence) return;
    const exdates = [...(base.recurrence.exdates ?? []), occ.originalStart];
    const overrides = { ...(base.recurrence.overrides ?? {}) };
    delete overrides[occ.originalStart];
    const recurrence = { ...base.recurrence, exdates };
    if (Object.keys(overrides).length) recurrence.overrides = overrides;
    else delete recurrence.overrides;
    const op: Operation = { ...base, recurrence, updatedAt: new Date().toISOString(), version: base.version + 1 };
    if (await this.persist(op, base, 'remove-occurrence', [])) this.closeDialog();
  }

  private issueText(i: ValidationIssue): string {
    if (i.code === 'invalid_rrule' && i.params?.['part']) return this.t('v_invalid_rrule_part', { part: String(i.params['part']) });
    if (i.code === 'too_long' && i.params?.['maxDays']) return this.t('durationTooLong', { days: Number(i.params['maxDays']) });
    const key = `v_${i.code}` as CalendarMessageKey;
    return key in messages.id ? this.t(key) : this.t('v_other');
  }

  private conflictText(c: Conflict): string {
    const other = this._items.find((o) => o.id === c.operationB);
    const draftTeam = this._dialog?.form.team ?? [];
    const name =
      c.code === 'member_double_booked'
        ? (draftTeam.find((m) => m.id === c.subject)?.name ?? other?.team.find((m) => m.id === c.subject)?.name ?? c.subject)
        : this.agencyName(c.subject);
    const time = `${this.dateLabel(viewerTime(c.fromMs, this.zone).date, 'dayMonthShort')} ${this.time(c.fromMs, this.zone)}–${this.time(c.toMs, this.zone)} ${this.abbr(this.zone, c.fromMs)}`;
    return this.t(`conflict_${c.code}`, { name, other: other?.title ?? c.operationB, time });
  }

  private renderDialog(): TemplateResult {
    const d = this._dialog;
    if (!d) return html`<dialog part="dialog" aria-labelledby="dlg-title"><h2 id="dlg-title">${this.t('dialogNew')}</h2></dialog>`;
    const f = d.form;
    const errors = d.issues.filter((i) => i.severity === 'error');
    const byField = new Map<string, string[]>();
    for (const i of errors) {
      const id = fieldIdFor(i.path);
      const list = byField.get(id) ?? [];
      const text = this.issueText(i);
      if (!list.includes(text)) list.push(text);
      byField.set(id, list);
    }
    const occScope = f.scope === 'occurrence';
    const recurring = !!d.target.occurrence?.recurring;
    const attrs = (id: string, hint?: boolean) => {
      const err = byField.get(id);
      return {
        invalid: err ? ('true' as const) : ('false' as const),
        describedby: [hint ? `${id}-hint` : '', err ? `${id}-error` : ''].filter(Boolean).join(' ') || nothing,
      };
    };
    const errorOf = (id: string) => {
      const err = byField.get(id);
      return err ? html`<span class="field-error" id="${id}-error">${err.join(' ')}</span>` : nothing;
    };
    const text = (id: string, key: CalendarMessageKey, value: string, on: (v: string) => void, hint?: CalendarMessageKey, disabled = false) => {
      const a = attrs(id, !!hint);
      return html`<div class="field">
        <label for=${id}>${this.t(key)}</label>
        ${hint ? html`<span class="hint" id="${id}-hint">${this.t(hint)}</span>` : nothing} ${errorOf(id)}
        <input
          id=${id}
          .value=${value}
          ?disabled=${disabled}
          aria-invalid=${a.invalid}
          aria-describedby=${a.describedby}
          @input=${(e: Event) => on((e.target as HTMLInputElement).value)}
        />
      </div>`;
    };
    let viewerHint = '';
    try {
      if (parseLocal(f.start) && isValidTimeZone(f.timeZone) && f.timeZone !== this.zone) {
        const ms = toInstant(f.start, f.timeZone);
        viewerHint = this.t('inViewerZone', { time: `${this.dateLabel(viewerTime(ms, this.zone).date, 'dayMonthShort')} ${this.time(ms, this.zone)} ${this.abbr(this.zone, ms)}` });
      }
    } catch {
      viewerHint = '';
    }
    const zones = ZONE_CHOICES.includes(f.timeZone) ? ZONE_CHOICES : [...ZONE_CHOICES, f.timeZone];
    return html`<dialog part="dialog" aria-labelledby="dlg-title" @cancel=${(e: Event) => { e.preventDefault(); this.closeDialog(); }}>
      <form method="dialog" novalidate @submit=${(e: Event) => { e.preventDefault(); void this.submitDialog(); }}>
        <h2 id="dlg-title">${this.t(d.target.base ? 'dialogEdit' : 'dialogNew')}</h2>
        ${errors.length
          ? html`<div class="summary" id="dlg-summary" tabindex="-1" role="alert" aria-labelledby="dlg-summary-title">
              <h3 id="dlg-summary-title">${this.t('errorSummary')}</h3>
              <ul>
                ${[...byField.entries()].map(
                  ([id, msgs]) => html`<li><a href="#${id}" @click=${(e: Event) => { e.preventDefault(); this.renderRoot.querySelector<HTMLElement>(`#${id}`)?.focus(); }}>${msgs.join(' ')}</a></li>`,
                )}
              </ul>
            </div>`
          : nothing}
        ${d.conflicts.length
          ? html`<div class="warnings" id="dlg-warnings" tabindex="-1" role="alert" aria-labelledby="dlg-warnings-title">
              <h3 id="dlg-warnings-title">${this.t('conflictsTitle')}</h3>
              <ul>
                ${d.conflicts.map((c) => html`<li>${this.conflictText(c)}</li>`)}
              </ul>
              <p>${this.t('conflictsHint')}</p>
            </div>`
          : nothing}
        ${recurring
          ? html`<fieldset>
              <legend>${this.t('scope')}</legend>
              <label><input type="radio" name="scope" value="occurrence" .checked=${occScope} @change=${() => this.setForm(formFromOperation(d.target.base!, d.target.occurrence))} />
                ${this.t('scopeOccurrence', { date: this.dateLabel(d.target.occurrence!.originalStart.slice(0, 10)) })}</label
              ><br />
              <label><input type="radio" name="scope" value="series" .checked=${!occScope} @change=${() => this.setForm(formFromOperation(d.target.base!))} />
                ${this.t('scopeSeries')}</label
              >
            </fieldset>`
          : nothing}
        <div class="row2">
          <div class="field">
            <label for="f-kind">${this.t('fieldKind')}</label>
            ${errorOf('f-kind')}
            <select id="f-kind" ?disabled=${occScope} @change=${(e: Event) => this.setForm({ kind: (e.target as HTMLSelectElement).value as OperationKind })}>
              ${OPERATION_KINDS.map((k) => html`<option value=${k} ?selected=${f.kind === k}>${this.t(`kind_${k}`)}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="f-status">${this.t('fieldStatus')}</label>
            ${errorOf('f-status')}
            <select id="f-status" @change=${(e: Event) => this.setForm({ status: (e.target as HTMLSelectElement).value as DraftForm['status'] })}>
              ${OPERATION_STATUSES.map((s) => html`<option value=${s} ?selected=${f.status === s}>${this.t(`status_${s}`)}</option>`)}
            </select>
          </div>
        </div>
        ${text('f-title', 'fieldTitle', f.title, (v) => this.setForm({ title: v }))}
        <div class="row2">
          <div class="field">
            <label for="f-start">${this.t('fieldStart')}</label>
            ${errorOf('f-start')}
            <input id="f-start" type="datetime-local" .value=${f.start} aria-invalid=${attrs('f-start').invalid} aria-describedby=${attrs('f-start').describedby} @input=${(e: Event) => this.setForm({ start: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="field">
            <label for="f-end">${this.t('fieldEnd')}</label>
            ${errorOf('f-end')}
            <input id="f-end" type="datetime-local" .value=${f.end} aria-invalid=${attrs('f-end').invalid} aria-describedby=${attrs('f-end').describedby} @input=${(e: Event) => this.setForm({ end: (e.target as HTMLInputElement).value })} />
          </div>
          <div class="field">
            <label for="f-tz">${this.t('fieldTimeZone')}</label>
            ${errorOf('f-tz')}
            <select id="f-tz" ?disabled=${occScope} @change=${(e: Event) => this.setForm({ timeZone: (e.target as HTMLSelectElement).value })}>
              ${zones.map((z) => html`<option value=${z} ?selected=${f.timeZone === z}>${this.abbr(z, Date.now())} · ${z}</option>`)}
            </select>
          </div>
        </div>
        ${viewerHint ? html`<p class="hint" id="f-viewer-time">${viewerHint}</p>` : nothing}
        <fieldset>
          <legend>${this.t('moveGroup')}</legend>
          <div class="group">
            <button type="button" @click=${() => this.shiftForm(-1440, -1440)}>${this.t('moveEarlierDay')}</button>
            <button type="button" @click=${() => this.shiftForm(1440, 1440)}>${this.t('moveLaterDay')}</button>
            <button type="button" @click=${() => this.shiftForm(-15, -15)}>${this.t('moveEarlier')}</button>
            <button type="button" @click=${() => this.shiftForm(15, 15)}>${this.t('moveLater')}</button>
            <button type="button" @click=${() => this.shiftForm(0, -15)}>${this.t('shorten')}</button>
            <button type="button" @click=${() => this.shiftForm(0, 15)}>${this.t('lengthen')}</button>
          </div>
        </fieldset>
        ${text('f-location', 'fieldLocation', f.locationName, (v) => this.setForm({ locationName: v }))}
        <div class="row2">
          ${text('f-address', 'fieldAddress', f.address, (v) => this.setForm({ address: v }))}
          ${text('f-region', 'fieldRegion', f.region, (v) => this.setForm({ region: v }), 'fieldRegionHint')}
        </div>
        <fieldset ?disabled=${occScope}>
          <legend>${this.t('fieldLead')} · ${this.t('fieldTeam')}</legend>
          ${text('f-lead', 'fieldLead', f.leadAgency, (v) => this.setForm({ leadAgency: v }), undefined, occScope)}
          ${text('f-agencies', 'fieldAgencies', f.agencies, (v) => this.setForm({ agencies: v }), 'fieldAgenciesHint', occScope)}
          ${f.team.map(
            (m, i) => html`<fieldset>
              <legend>${this.t('memberLegend', { n: i + 1 })}</legend>
              <div class="row2">
                ${text(`f-team-${i}-name`, 'memberName', m.name, (v) => this.setForm({ team: f.team.map((x, j) => (j === i ? { ...x, name: v } : x)) }), undefined, occScope)}
                ${text(`f-team-${i}-agency`, 'memberAgency', m.agencyId, (v) => this.setForm({ team: f.team.map((x, j) => (j === i ? { ...x, agencyId: v } : x)) }), undefined, occScope)}
                ${text(`f-team-${i}-role`, 'memberRole', m.role ?? '', (v) => this.setForm({ team: f.team.map((x, j) => (j === i ? { ...x, role: v } : x)) }), undefined, occScope)}
              </div>
              <button type="button" @click=${() => this.setForm({ team: f.team.filter((_, j) => j !== i) })}>${this.t('removeMember', { n: i + 1 })}</button>
            </fieldset>`,
          )}
          <button
            type="button"
            id="f-team-add"
            @click=${() =>
              this.setForm({
                team: [...f.team, { id: globalThis.crypto?.randomUUID ? globalThis.crypto.randomUUID() : `m-${Date.now().toString(36)}-${f.team.length}`, name: '', agencyId: f.leadAgency, role: '' }],
              })}
          >
            ${this.t('addMember')}
          </button>
        </fieldset>
        <fieldset ?disabled=${occScope}>
          <legend>${this.t('fieldRecurrence')}</legend>
          <div class="field">
            <label for="f-recurrence">${this.t('fieldRecurrence')}</label>
            <select
              id="f-recurrence"
              @change=${(e: Event) => {
                const choice = (e.target as HTMLSelectElement).value as RecurrenceChoice;
                this.setForm({ recurrence: choice, rrule: choice === 'custom' ? f.rrule || 'FREQ=WEEKLY;COUNT=4' : (rruleFor(choice, '') ?? '') });
              }}
            >
              ${(['none', 'daily', 'weekly', 'monthly', 'custom'] as const).map((c) => html`<option value=${c} ?selected=${f.recurrence === c}>${this.t(`rec_${c}`)}</option>`)}
            </select>
          </div>
          ${f.recurrence === 'custom' ? text('f-rrule', 'fieldRrule', f.rrule, (v) => this.setForm({ rrule: v }), undefined, occScope) : errorOf('f-rrule')}
        </fieldset>
        <div class="field">
          <label for="f-description">${this.t('fieldDescription')}</label>
          <textarea id="f-description" ?disabled=${occScope} .value=${f.description} @input=${(e: Event) => this.setForm({ description: (e.target as HTMLTextAreaElement).value })}></textarea>
        </div>
        ${text('f-records', 'fieldRecords', f.records, (v) => this.setForm({ records: v }), 'fieldRecordsHint', occScope)}
        <div class="actions">
          ${recurring && !this.readonly ? html`<button type="button" @click=${() => void this.removeOccurrence()}>${this.t('removeOccurrence')}</button>` : nothing}
          <button type="button" @click=${() => this.closeDialog()}>${this.t('cancel')}</button>
          <button type="submit" class="primary" ?disabled=${d.busy}>${this.t(d.conflicts.length && d.confirmed ? 'saveAnyway' : 'save')}</button>
        </div>
      </form>
    </dialog>`;
  }

  // ------------------------------------------------------------------------------------------ iCalendar

  /** The operations (all, unfiltered) as an iCalendar text. */
  exportIcs(): string {
    return exportIcs(this._items, { name: this.t('calendar') });
  }

  private downloadIcs(): void {
    const blob = new Blob([this.exportIcs()], { type: 'text/calendar;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `timpora-operasi-${this.anchor}.ics`;
    a.style.display = 'none';
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  private onImportFile = async (e: Event): Promise<void> => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    await this.importIcs(await file.text());
  };

  /**
   * Imports an iCalendar text: all or nothing. On a malformed file nothing changes, an
   * `timpora-operation-import-error` event is sent and the reason announced; the promise resolves with `[]`.
   * With a client the operations are stored in one transaction (`putMany`, last writer wins for known ids).
   */
  async importIcs(text: string): Promise<Operation[]> {
    let ops: Operation[];
    try {
      ops = importIcs(text, { defaultTimeZone: this.zone, ...(this.agency ? { agencyId: this.agency } : {}) });
    } catch (err) {
      const code = err instanceof IcsImportError ? err.code : 'ics_parse_error';
      const message = err instanceof Error ? err.message : String(err);
      this.dispatchEvent(new CustomEvent<OperationImportErrorDetail>('timpora-operation-import-error', { detail: { code, message }, bubbles: true, composed: true }));
      this.announce(this.t('importFailed', { reason: this.t(code as CalendarMessageKey) }));
      return [];
    }
    const ok = this.dispatchEvent(new CustomEvent<OperationImportDetail>('timpora-operation-import', { detail: { operations: ops }, bubbles: true, composed: true, cancelable: true }));
    if (!ok) return [];
    const port = this.attachedTo;
    let stored = ops;
    if (port) {
      try {
        stored = await port.putMany(ops, { force: true });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.dispatchEvent(new CustomEvent<OperationImportErrorDetail>('timpora-operation-import-error', { detail: { code: 'store_failed', message }, bubbles: true, composed: true }));
        this.announce(this.t('importFailed', { reason: message }));
        return [];
      }
    }
    const byId = new Map(this._items.map((o) => [o.id, o] as const));
    for (const o of stored) byId.set(o.id, o);
    this._items = [...byId.values()];
    if (!port) this.operations = this._items;
    this.announce(this.t('importDone', { n: stored.length }));
    return stored;
  }
}
