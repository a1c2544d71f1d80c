import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { ContextConsumer } from '@lit/context';
import { TimporaFormControl } from '../shared/form-control.ts';
import { LocalizeController } from '../shared/localize.ts';
import { timporaContext } from '../shared/context.ts';
import type { ForeignerRecord, FindingCategory } from '../../sdk/model/types.ts';
import type { MrzResult } from '../../sdk/mrz/types.ts';
import { validateRecord, SEXES, DOCUMENT_TYPES, PERMIT_TYPES, RECORD_STATUSES, FINDING_CATEGORIES } from '../../sdk/model/validate-record.ts';
import { errorsOf, type ValidationIssue } from '../../sdk/model/validation.ts';
import { normalizeDocumentNumber } from '../../sdk/model/rules.ts';
import type { NewRecordInput } from '../../sdk/model/factory.ts';
import type { DraftsApi, RecordsCollection } from '../../sdk/client.ts';
import { regionDataAttribution } from '../../sdk/model/regions.ts';
import { styles } from './foreigner-form.styles.ts';
import { msg, validationMessage, fieldLabel, isMessageKey, type FormLang, type MessageKey } from './messages.ts';
import {
  applyMrz,
  emptyState,
  OPTIONAL_SECTIONS,
  fromRecord,
  isDatePath,
  isPristine,
  parseState,
  recordEdit,
  toRecordInput,
  usedSections,
  type DateParts,
  type DatePath,
  type FieldPath,
  type FindingDraft,
  type FormState,
  type TextPath,
} from './form-state.ts';
import { mrzDoubtLines, renderMrzDoubts, type MrzDoubtLine } from '../shared/mrz-doubts.ts';
import { CountryComboboxes } from './country-combobox.ts';
import { RegionCascade, type RegionOptions } from './region-cascade.ts';
import { PhotoCapture, PhotoCaptureError } from './photo-capture.ts';

/**
 * What the form needs from the Timpora client (a `TimporaClient` from `createTimporaClient()` satisfies it):
 * records to save and to search for duplicates, and the draft store for autosave.
 */
export interface ForeignerFormClient {
  /** Saving (`put`) and the duplicate check (same document, or same name and birth date). */
  records: Pick<RecordsCollection, 'put' | 'findByDocument' | 'searchByName'>;
  /** Autosave of the raw form state under {@link TimporaForeignerForm.effectiveDraftKey}. */
  drafts: Pick<DraftsApi, 'get' | 'put' | 'delete'>;
  /** Agency of this installation: the default agency of new findings. */
  readonly agencyId?: string;
}

/** Draft as stored through `client.drafts` (JSON-compatible). */
export interface ForeignerFormDraft {
  kind: 'timpora-foreigner-form';
  state: FormState;
  savedAt: string;
}

/** Detail of `timpora-record-saved`. */
export interface RecordSavedDetail {
  /** The record as stored (with `id`, `version`, timestamps filled by the client). */
  record: ForeignerRecord;
}
/** Detail of `timpora-record-invalid`. */
export interface RecordInvalidDetail {
  /** Every issue of the attempted save (errors and warnings), with stable codes and field paths. */
  issues: ValidationIssue[];
}
/** Detail of `timpora-record-open`. */
export interface RecordOpenDetail {
  /** Id of the possible duplicate the person chose to open. */
  id: string;
  /** That stored record. */
  record: ForeignerRecord;
  /** Why the record was offered: same document, or same name and birth date. */
  reason: 'document' | 'name';
}
/** Detail of `timpora-draft-restored`. */
export interface DraftRestoredDetail {
  /** Key of the restored draft (see {@link TimporaForeignerForm.effectiveDraftKey}). */
  key: string;
  /** When the draft was saved (ISO 8601 instant). */
  savedAt: string;
}

/** `timpora-record-saved`: the record was validated and stored (bubbles, composed). */
export type RecordSavedEvent = CustomEvent<RecordSavedDetail>;
/** `timpora-record-invalid`: a save was refused by validation; the error summary is shown and focused. */
export type RecordInvalidEvent = CustomEvent<RecordInvalidDetail>;
/** `timpora-record-open`: the person chose a possible duplicate; cancelable (prevent it to handle the navigation yourself). */
export type RecordOpenEvent = CustomEvent<RecordOpenDetail>;
/** `timpora-draft-restored`: an autosaved draft was loaded into the form. */
export type DraftRestoredEvent = CustomEvent<DraftRestoredDetail>;

declare global {
  interface GlobalEventHandlersEventMap {
    'timpora-record-saved': RecordSavedEvent;
    'timpora-record-invalid': RecordInvalidEvent;
    'timpora-record-open': RecordOpenEvent;
    'timpora-draft-restored': DraftRestoredEvent;
  }
}

interface Duplicate {
  record: ForeignerRecord;
  reason: 'document' | 'name';
}

type Notice = { key: MessageKey; params?: Record<string, string | number>; tone: 'info' | 'success' | 'warning'; doubts?: MrzDoubtLine[] };

/** Autofill tokens the text fields use (literal types, so lit-analyzer can check the binding). */
type FieldAutofill = 'off' | 'family-name' | 'given-name' | 'email' | 'tel' | 'postal-code';

/** Input id for a field path (`identity.surname` -> `f-identity-surname`). */
const fid = (path: string): string => `f-${path.replace(/\./g, '-')}`;

const REQUIRED_PATHS: ReadonlySet<string> = new Set(
  validateRecord(
    { identity: {}, document: {}, permit: {}, sponsor: {}, address: { region: {} }, arrival: {}, findings: [{ id: 'x', agencyId: 'x' }] },
    { reportUnknown: false },
  )
    .filter((i) => i.code === 'required')
    .map((i) => i.path.replace(/^findings\.0\./, 'findings.*.')),
);

/** Optional sections that have required fields once used (their hint explains it). */
const SECTIONS_WITH_REQUIRED: ReadonlySet<string> = new Set(
  [...REQUIRED_PATHS].map((p) => p.split('.')[0]!).filter((s) => (OPTIONAL_SECTIONS as readonly string[]).includes(s)).map((s) => `section.${s}`),
);

// Forms currently connected, to route MRZ reads dispatched elsewhere on the page.
const connectedForms = new Set<TimporaForeignerForm>();
let lastActiveForm: TimporaForeignerForm | undefined;
function setLastActive(form: TimporaForeignerForm | undefined): void {
  lastActiveForm = form;
}

/**
 * The complete foreigner record: identity, travel document, stay permit, sponsor, address (Kemendagri region
 * cascade), occupation, arrival, findings and status, optional photo and notes.
 *
 * Rules come only from `sdk/model` (`validateRecord`); this element localises the codes. Errors appear inline
 * once a field has been left, and in a GOV.UK-style summary on submit. Drafts are autosaved through
 * `client.drafts` and restored when the element is created again. It is form-associated: inside a native
 * `<form>` it submits its value (the record input as JSON) under `name`, reports validity, and follows reset
 * and disabled; on its own it saves through `client.records.put`.
 *
 * @summary Foreigner record form with MRZ prefill, duplicate detection, autosaved drafts.
 * @tag timpora-foreigner-form
 *
 * @slot header - Content above the form (e.g. a title from the portal).
 *
 * @event timpora-record-saved - `{ record }` after `client.records.put` succeeded.
 * @event timpora-record-invalid - `{ issues }` when a submit found errors (summary shown and focused).
 * @event timpora-record-open - `{ id, record, reason }` when the person follows a possible-duplicate link; cancelable.
 * @event timpora-draft-restored - `{ key, savedAt }` after an autosaved draft was put back into the form.
 *
 * @csspart form - The inner `<form>`.
 * @csspart section - Each section (`<fieldset>`).
 * @csspart legend - Section titles.
 * @csspart label - Field labels.
 * @csspart input - Text inputs, selects and textareas.
 * @csspart hint - Hint text under labels.
 * @csspart error-message - Inline error text.
 * @csspart warning-message - Inline warning text.
 * @csspart error-summary - The error summary box.
 * @csspart mrz-badge - The badge on fields filled from the MRZ.
 * @csspart mrz-doubts - After a scan, the MRZ lines with the characters no check digit protects that were read with less certainty marked (`<mark>`).
 * @csspart duplicates - The possible-duplicate panel.
 * @csspart button - Buttons.
 * @csspart submit - The save button.
 * @csspart combobox - Country combobox wrapper.
 * @csspart listbox - Country options popup.
 * @csspart photo - Photo preview.
 *
 * @cssproperty --timpora-sys-color-primary - Primary colour (buttons, focus accents).
 * @cssproperty --timpora-sys-color-error - Error colour.
 * @cssproperty --timpora-sys-color-warning - Warning text colour.
 * @cssproperty --timpora-foreigner-form-max-width - Maximum width of the form (default 60rem).
 *
 * @attr name - Name under which the value is submitted with a surrounding form.
 * @attr disabled - Disables every field.
 * @attr draft-key - Key of the autosaved draft (default `foreigner-form:new`, or `foreigner-form:<id>` when editing).
 * @attr agency - Agency id of the person filling the form (new findings, `sourceAgency` of new records).
 * @attr autosave-delay - Milliseconds between the last keystroke and the draft save (default 600).
 * @attr record-href - Link template for possible duplicates, `{id}` replaced by the record id (default `#record-{id}`).
 */
export class TimporaForeignerForm extends TimporaFormControl {
  /** @internal */
  static override styles = styles;

  /** Lit reactive property declarations (documented on each field below). @internal */
  static override properties = {
    ...TimporaFormControl.properties,
    record: { attribute: false },
    client: { attribute: false },
    draftKey: { type: String, attribute: 'draft-key' },
    agency: { type: String },
    autosaveDelay: { type: Number, attribute: 'autosave-delay' },
    recordHref: { type: String, attribute: 'record-href' },
    referenceDate: { attribute: false },
    _state: { state: true },
    _issues: { state: true },
    _summary: { state: true },
    _notice: { state: true },
    _saveError: { state: true },
    _saving: { state: true },
    _duplicates: { state: true },
    _camera: { state: true },
    _scanOpen: { state: true },
  };

  /** A record to edit; setting it loads its values (an existing draft for the same key still wins). */
  declare record: ForeignerRecord | undefined;
  /** Client to use; when unset the form takes it from `<timpora-provider>` through context. */
  declare client: ForeignerFormClient | undefined;
  /** Key of the autosaved draft; empty (default) means `foreigner-form:new`, or `foreigner-form:<id>` when editing. */
  declare draftKey: string;
  /** Agency id of the person filling the form: `sourceAgency` of new records and agency of new findings. Default: the client's. */
  declare agency: string;
  /** Milliseconds between the last change and the draft save (default 600). */
  declare autosaveDelay: number;
  /**
   * Link template for possible duplicates, `{id}` replaced by the (URL-encoded) record id. Empty (default): links
   * point at `#record-{id}` and following them is left to `timpora-record-open` listeners.
   */
  declare recordHref: string;
  /** "Today" for date rules (tests, training); default the current time. */
  declare referenceDate: Date | undefined;

  declare private _state: FormState;
  declare private _issues: ValidationIssue[];
  declare private _summary: ValidationIssue[] | null;
  declare private _notice: Notice | null;
  declare private _saveError: string | null;
  declare private _saving: boolean;
  declare private _duplicates: Duplicate[];
  declare private _camera: 'off' | 'starting' | 'on' | 'error';
  declare private _scanOpen: boolean;

  private readonly l10n = new LocalizeController(this);
  private readonly combos = new CountryComboboxes(() => this.requestUpdate());
  private readonly regions = new RegionCascade(() => this.requestUpdate());
  private readonly photo = new PhotoCapture();
  private contextClient: ForeignerFormClient | undefined;
  private readonly touched = new Set<string>();
  private submitted = false;
  private dirty = false;
  private draftTimer: ReturnType<typeof setTimeout> | undefined;
  private dupTimer: ReturnType<typeof setTimeout> | undefined;
  private dupSeq = 0;
  private draftLoadedFor: string | null = null;
  private pendingDraftSave: Promise<void> = Promise.resolve();
  private scanArmed = false;
  private readonly handledReads = new WeakSet<Event>();
  private loadedRecord: ForeignerRecord | undefined;

  constructor() {
    super();
    this.record = undefined;
    this.client = undefined;
    this.draftKey = '';
    this.agency = '';
    this.autosaveDelay = 600;
    this.recordHref = '';
    this.referenceDate = undefined;
    this._state = emptyState();
    this._issues = [];
    this._summary = null;
    this._notice = null;
    this._saveError = null;
    this._saving = false;
    this._duplicates = [];
    this._camera = 'off';
    this._scanOpen = false;
    new ContextConsumer(this, {
      context: timporaContext,
      subscribe: true,
      callback: (client) => {
        this.contextClient = client as ForeignerFormClient | undefined;
        void this.restoreDraft();
      },
    });
    this.addEventListener('timpora-mrz-read', this.onMrzRead);
    this.addEventListener('focusin', this.onFocusIn);
    this.addEventListener('invalid', () => {
      // A surrounding native form was submitted while the record has errors: show them all.
      this.submitted = true;
      this.markInteracted();
      this._summary = errorsOf(this._issues);
    });
  }

  // ---------------------------------------------------------------- public API

  /** The client in use: the `client` property, else the one from context. */
  get activeClient(): ForeignerFormClient | undefined {
    return this.client ?? this.contextClient;
  }

  /** The record input the form currently describes (what `value` serialises). */
  get recordInput(): Record<string, unknown> {
    return toRecordInput(this._state);
  }

  /** The value submitted with a surrounding form: the record input as JSON. */
  get value(): string {
    return JSON.stringify(this.recordInput);
  }

  /** Issues from `validateRecord` for the current values (errors and warnings). */
  get issues(): readonly ValidationIssue[] {
    return this._issues;
  }

  /** The raw form state (as typed; JSON-serialisable). */
  get formState(): FormState {
    return structuredClone(this._state);
  }

  /** The key drafts are saved under. */
  get effectiveDraftKey(): string {
    return this.draftKey || `foreigner-form:${this.record?.id ?? 'new'}`;
  }

  /** Resolves once a pending draft save has been written. */
  async flushDraft(): Promise<void> {
    if (this.draftTimer !== undefined) {
      clearTimeout(this.draftTimer);
      this.draftTimer = undefined;
      this.pendingDraftSave = this.writeDraft();
    }
    await this.pendingDraftSave;
  }

  /**
   * Validates and saves through the client. Resolves the saved record, or `null` when there were errors
   * (summary shown and focused) or saving failed (error shown, draft kept).
   */
  async save(): Promise<ForeignerRecord | null> {
    if (this._saving) return null;
    this.submitted = true;
    this.markInteracted();
    this._saveError = null;
    this.validate();
    await this.flushDraft();
    const errors = errorsOf(this._issues);
    if (errors.length) {
      this._summary = errors;
      this.dispatchEvent(new CustomEvent<RecordInvalidDetail>('timpora-record-invalid', { detail: { issues: [...this._issues] }, bubbles: true, composed: true }));
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.error-summary')?.focus();
      return null;
    }
    this._summary = null;
    const client = this.activeClient;
    if (!client) {
      this._saveError = msg(this.uiLang(), 'noClient');
      return null;
    }
    this._saving = true;
    try {
      const record = this.buildRecord();
      const saved = await client.records.put(record);
      this.clearDraftTimer();
      await this.pendingDraftSave.catch(() => undefined);
      await client.drafts.delete(this.effectiveDraftKey).catch(() => undefined);
      this._state = fromRecord(saved);
      this.loadedRecord = saved;
      this.dirty = false;
      this._notice = { key: 'saved', tone: 'success' };
      this.dispatchEvent(new CustomEvent<RecordSavedDetail>('timpora-record-saved', { detail: { record: saved }, bubbles: true, composed: true }));
      return saved;
    } catch (err) {
      // Nothing typed is lost: the draft stays (written above), the values stay in the form.
      await this.writeDraft().catch(() => undefined);
      const code = typeof (err as { code?: unknown })?.code === 'string' ? (err as { code: string }).code : '';
      const offline = (typeof navigator !== 'undefined' && navigator.onLine === false) || /offline|network|connection/i.test(code) || (err instanceof TypeError && /fetch/i.test(err.message));
      const reason = msg(this.uiLang(), offline ? 'saveFailed.offline' : 'saveFailed.unknown') + (code && !offline ? ` (${code})` : '');
      this._saveError = msg(this.uiLang(), 'saveFailed', { reason });
      return null;
    } finally {
      this._saving = false;
    }
  }

  /** Clears the form and its draft (the person's explicit choice). */
  async clear(): Promise<void> {
    this.resetValue();
    this.syncForm();
    const client = this.activeClient;
    this.clearDraftTimer();
    await client?.drafts.delete(this.effectiveDraftKey).catch(() => undefined);
  }

  // ---------------------------------------------------------------- lifecycle

  override connectedCallback(): void {
    super.connectedCallback();
    connectedForms.add(this);
    document.addEventListener('timpora-mrz-read', this.onMrzRead);
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('pagehide', this.onPageHide);
    void this.restoreDraft();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    connectedForms.delete(this);
    if (lastActiveForm === this) setLastActive(undefined);
    document.removeEventListener('timpora-mrz-read', this.onMrzRead);
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('pagehide', this.onPageHide);
    this.stopCamera();
    this.closeScanner();
    void this.flushDraft();
    clearTimeout(this.dupTimer);
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('record') && this.record !== this.loadedRecord) {
      this.loadedRecord = this.record;
      if (this.record) {
        this._state = fromRecord(this.record);
        this.combos.reset();
        this.dirty = false;
        this.draftLoadedFor = null;
        void this.restoreDraft();
      }
    }
    if (changed.has('client') && this.client) void this.restoreDraft();
    if (changed.has('_state') || changed.has('referenceDate') || changed.has('record')) this.validate();
  }

  protected override updated(changed: PropertyValues): void {
    super.updated(changed);
    if (changed.has("lang")) this.l10n.refresh();
    const firstError = errorsOf(this._issues)[0];
    const anchor = firstError ? this.focusTarget(firstError.path) ?? undefined : undefined;
    this.syncForm(firstError ? validationMessage(this.uiLang(), firstError) : '', anchor);
    this.internals?.setFormValue(this.formValue(), JSON.stringify(this._state));
    const video = this.renderRoot.querySelector<HTMLVideoElement>('video.camera');
    if (video && this.cameraStream && video.srcObject !== this.cameraStream) {
      video.srcObject = this.cameraStream;
      void video.play().catch(() => undefined);
    }
  }

  // ---------------------------------------------------------------- TimporaFormControl

  protected override formValue(): string {
    return this.value;
  }

  protected override resetValue(): void {
    this._state = this.record ? fromRecord(this.record) : emptyState();
    this.combos.reset();
    this.touched.clear();
    this.submitted = false;
    this._summary = null;
    this._saveError = null;
    this._notice = null;
    this._duplicates = [];
    this.dirty = false;
    this.stopCamera();
    this.validate();
  }

  /** Form reset: empties the form and deletes its draft. */
  override formResetCallback(): void {
    super.formResetCallback();
    this.clearDraftTimer();
    void this.activeClient?.drafts.delete(this.effectiveDraftKey).catch(() => undefined);
  }

  protected override restoreValue(state: string | File | FormData | null): void {
    const restored = typeof state === 'string' ? parseState(state) : null;
    if (restored) {
      this._state = restored;
      this.combos.reset();
    }
  }

  // ---------------------------------------------------------------- state changes

  private uiLang(): FormLang {
    return this.l10n.lang;
  }

  private validate(): void {
    this._issues = validateRecord(this.recordInput, { now: this.referenceDate ?? new Date() });
  }

  /** Every change a person makes goes through here. */
  private change(mutate: (s: FormState) => void, paths: FieldPath[] = []): void {
    const next = structuredClone(this._state);
    mutate(next);
    for (const p of paths) recordEdit(next, p);
    this._state = next;
    this.dirty = true;
    this._notice = this._notice?.key === 'draft.restored' ? this._notice : null;
    this.markInteracted();
    this.scheduleDraft();
    this.scheduleDuplicates();
  }

  private setText(path: TextPath, value: string): void {
    this.change((s) => {
      s.text[path] = value;
      if (path === 'address.region.province') {
        s.text['address.region.regency'] = '';
        s.text['address.region.district'] = '';
        s.text['address.region.village'] = '';
      } else if (path === 'address.region.regency') {
        s.text['address.region.district'] = '';
        s.text['address.region.village'] = '';
      } else if (path === 'address.region.district') {
        s.text['address.region.village'] = '';
      }
    }, [path]);
  }

  private setDatePart(path: DatePath, part: keyof DateParts, value: string): void {
    this.change((s) => {
      s.dates[path] = { ...s.dates[path], [part]: value };
    }, [path]);
  }

  private touch(path: string): void {
    if (!this.touched.has(path)) {
      this.touched.add(path);
      this.requestUpdate();
    }
  }

  /**
   * The input handed to `client.records.put`: an update carries the meta (and version) it was loaded with;
   * a new record carries only its id (one id across retries, kept in the state and the draft) and, when set,
   * the form's agency; the client fills the rest.
   */
  private buildRecord(): NewRecordInput {
    const input = this.recordInput as unknown as NewRecordInput;
    if (this._state.base) return input;
    return { ...input, id: this._state.pendingId, ...(this.agency ? { sourceAgency: this.agency } : {}) };
  }

  // ---------------------------------------------------------------- drafts

  private clearDraftTimer(): void {
    if (this.draftTimer !== undefined) clearTimeout(this.draftTimer);
    this.draftTimer = undefined;
  }

  private scheduleDraft(): void {
    this.clearDraftTimer();
    this.draftTimer = setTimeout(() => {
      this.draftTimer = undefined;
      this.pendingDraftSave = this.writeDraft();
    }, this.autosaveDelay);
  }

  private async writeDraft(): Promise<void> {
    const client = this.activeClient;
    if (!client || !this.dirty) return;
    const key = this.effectiveDraftKey;
    try {
      if (isPristine(this._state)) await client.drafts.delete(key);
      else {
        const draft: ForeignerFormDraft = { kind: 'timpora-foreigner-form', state: structuredClone(this._state), savedAt: new Date().toISOString() };
        await client.drafts.put(key, draft);
      }
    } catch {
      // The values are still in the form; the next change retries. Never log: drafts hold personal data.
    }
  }

  private readonly onFocusIn = (): void => {
    setLastActive(this);
  };

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      void this.flushDraft();
      this.stopCamera();
    }
  };

  private readonly onPageHide = (): void => {
    void this.flushDraft();
    this.stopCamera();
  };

  private async restoreDraft(): Promise<void> {
    const client = this.activeClient;
    const key = this.effectiveDraftKey;
    if (!client || !this.isConnected || this.draftLoadedFor === key) return;
    this.draftLoadedFor = key;
    let stored: unknown;
    try {
      stored = (await client.drafts.get<ForeignerFormDraft>(key))?.value;
    } catch {
      return;
    }
    if (!stored || typeof stored !== 'object' || this.dirty) return;
    const d = stored as Partial<ForeignerFormDraft>;
    if (d.kind !== 'timpora-foreigner-form') return;
    const state = parseState(d.state);
    if (!state) return;
    this._state = state;
    this.combos.reset();
    const savedAt = typeof d.savedAt === 'string' ? d.savedAt : '';
    this._notice = { key: 'draft.restored', tone: 'info' };
    this.scheduleDuplicates();
    await this.updateComplete;
    this.dispatchEvent(new CustomEvent<DraftRestoredDetail>('timpora-draft-restored', { detail: { key, savedAt }, bubbles: true, composed: true }));
  }

  private async discardDraft(): Promise<void> {
    await this.clear();
    this.renderRoot.querySelector<HTMLElement>(`#${fid('identity.surname')}`)?.focus();
  }

  // ---------------------------------------------------------------- duplicates

  private scheduleDuplicates(): void {
    clearTimeout(this.dupTimer);
    this.dupTimer = setTimeout(() => void this.findDuplicates(), 300);
  }

  /** Looks for records with the same document, or the same name and birth date. */
  private async findDuplicates(): Promise<void> {
    const client = this.activeClient;
    if (!client) return;
    const seq = ++this.dupSeq;
    const input = this.recordInput as { identity?: Record<string, string>; document?: Record<string, string> };
    const ownId = this._state.base?.id ?? this._state.pendingId;
    const found = new Map<string, Duplicate>();
    const state = input.document?.['issuingState'];
    const number = input.document?.['number'];
    try {
      if (state && number && state.length <= 3 && number.length >= 3) {
        const list = await client.records.findByDocument(state, normalizeDocumentNumber(number));
        for (const rec of list) if (rec.id !== ownId) found.set(rec.id, { record: rec, reason: 'document' });
      }
      const surname = input.identity?.['surname'];
      const birth = input.identity?.['birthDate'];
      if (surname && birth && /^\d{4}-\d{2}-\d{2}$/.test(birth)) {
        const fold = (s: string | undefined): string => (s ?? '').trim().toLocaleUpperCase('en').replace(/\s+/g, ' ');
        const given = fold(input.identity?.['givenNames']);
        for (const rec of await client.records.searchByName(surname)) {
          if (rec.id === ownId || found.has(rec.id)) continue;
          if (fold(rec.identity.surname) === fold(surname) && rec.identity.birthDate === birth && (!given || !rec.identity.givenNames || fold(rec.identity.givenNames) === given)) {
            found.set(rec.id, { record: rec, reason: 'name' });
          }
        }
      }
    } catch {
      return; // Duplicate search is advisory; a failing store must not block typing.
    }
    if (seq === this.dupSeq) this._duplicates = [...found.values()];
  }

  private openRecord(e: Event, dup: Duplicate): void {
    const ev = new CustomEvent<RecordOpenDetail>('timpora-record-open', {
      detail: { id: dup.record.id, record: dup.record, reason: dup.reason },
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    const proceed = this.dispatchEvent(ev);
    if (!proceed || !this.recordHref) e.preventDefault();
  }

  // ---------------------------------------------------------------- MRZ

  private readonly onMrzRead = (e: Event): void => {
    if (this.handledReads.has(e)) return;
    const path = e.composedPath();
    const fromInside = path.includes(this);
    if (!fromInside) {
      // A read from elsewhere on the page: the armed form takes it, else the last used (or only) form.
      const armed = [...connectedForms].find((f) => f.scanArmed);
      const target = armed ?? (lastActiveForm && connectedForms.has(lastActiveForm) ? lastActiveForm : connectedForms.size === 1 ? this : undefined);
      if (target !== this) return;
    }
    const detail = (e as CustomEvent<{ result?: MrzResult }>).detail;
    const result = detail?.result;
    if (!result || typeof result !== 'object' || !result.fields || typeof result.fields !== 'object' || !Array.isArray(result.lines)) return;
    this.handledReads.add(e);
    this.applyMrzResult(result);
  };

  /** Fills identity and document fields from an MRZ read (what a `timpora-mrz-read` event does). */
  applyMrzResult(result: MrzResult): void {
    const { state, filled } = applyMrz(this._state, result, new Date());
    this._state = state;
    this.combos.reset();
    for (const p of filled) this.touched.add(p);
    this.dirty = true;
    this.scanArmed = false;
    this._notice = { key: result.valid ? 'mrz.filled' : 'mrz.invalid', params: { n: filled.length }, tone: result.valid ? 'success' : 'warning', doubts: mrzDoubtLines(result) };
    this.closeScanner();
    this.markInteracted();
    this.scheduleDraft();
    this.scheduleDuplicates();
  }

  private openScanner(): void {
    this.scanArmed = true;
    if (customElements.get('timpora-mrz-scanner')) {
      this._scanOpen = true;
      void this.updateComplete.then(() => {
        const dialog = this.renderRoot.querySelector<HTMLDialogElement>('dialog.scanner');
        const slot = dialog?.querySelector('.scanner-body');
        if (!dialog || !slot) return;
        const scanner = document.createElement('timpora-mrz-scanner');
        scanner.setAttribute('autostart', '');
        slot.replaceChildren(scanner);
        if (!dialog.open) dialog.showModal();
      });
    } else {
      this._notice = { key: 'mrz.unavailable', tone: 'info' };
    }
  }

  private closeScanner(): void {
    const dialog = this.renderRoot?.querySelector<HTMLDialogElement>('dialog.scanner');
    // Removing the scanner disconnects it, which stops its camera.
    dialog?.querySelector('.scanner-body')?.replaceChildren();
    if (dialog?.open) dialog.close();
    if (this._scanOpen) {
      this._scanOpen = false;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.scan-button')?.focus());
    }
  }

  // ---------------------------------------------------------------- camera

  private cameraStream: MediaStream | null = null;

  private async startCamera(): Promise<void> {
    this._camera = 'starting';
    try {
      this.cameraStream = await this.photo.start();
      if (!this.isConnected || this._camera !== 'starting') {
        this.stopCamera();
        return;
      }
      this._camera = 'on';
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('.capture-button')?.focus();
    } catch (err) {
      this.cameraStream = null;
      this._camera = err instanceof PhotoCaptureError ? 'error' : 'error';
    }
  }

  private capturePhoto(): void {
    const video = this.renderRoot.querySelector<HTMLVideoElement>('video.camera');
    if (!video) return;
    try {
      const url = this.photo.capture(video);
      this.change((s) => {
        s.photo = url;
      });
      this._camera = 'off';
    } catch {
      this._camera = 'error';
    } finally {
      this.cameraStream = null;
    }
  }

  /** Releases the camera (also on hide and disconnect). */
  private stopCamera(): void {
    this.photo.stop();
    this.cameraStream = null;
    if (this._camera !== 'off' && this._camera !== 'error') this._camera = 'off';
  }

  /** True while the photo camera is open (tests check it is released). */
  get cameraActive(): boolean {
    return this.photo.active;
  }

  // ---------------------------------------------------------------- focus & messages

  /** The element to focus for an issue path (field, first date part, province for a region, ...). */
  private focusTarget(path: string): HTMLElement | null {
    const root = this.renderRoot;
    let p = path;
    if (p === 'address.region') p = 'address.region.province';
    if (/^findings\.\d+$/.test(p)) p = `${p}.description`;
    if (/^findings\.\d+\.(id|agencyId|operationId|restricted)$/.test(p)) p = p.replace(/\.\w+$/, '.description');
    if (p.startsWith('mrz')) return root.querySelector<HTMLElement>('.scan-button');
    while (p) {
      const el = root.querySelector<HTMLElement>(`#${fid(p)}`) ?? root.querySelector<HTMLElement>(`#${fid(p)}-day`) ?? root.querySelector<HTMLElement>(`[data-path="${p}"]`);
      if (el) return el;
      const at = p.lastIndexOf('.');
      p = at < 0 ? '' : p.slice(0, at);
    }
    return null;
  }

  private focusIssue(e: Event, path: string): void {
    e.preventDefault();
    const el = this.focusTarget(path);
    if (!el) return;
    el.focus();
    el.scrollIntoView({ block: 'center' });
  }

  /** Issues to show inline at a field: errors once touched or submitted; warnings always. */
  private issuesFor(path: string, exact = true): ValidationIssue[] {
    const show = this.submitted || this.touched.has(path) || [...this.touched].some((t) => path.startsWith(t + '.'));
    return this._issues.filter((i) => (exact ? i.path === path : i.path === path || i.path.startsWith(path + '.')) && (i.severity === 'warning' || show));
  }

  private renderMessages(id: string, issues: ValidationIssue[]): TemplateResult | typeof nothing {
    if (!issues.length) return nothing;
    const lang = this.uiLang();
    const errorWord = lang === 'en' ? 'Error:' : 'Kesalahan:';
    const warnWord = lang === 'en' ? 'Warning:' : 'Peringatan:';
    return html`<div id=${id} class="messages">
      ${issues.map((i) =>
        i.severity === 'error'
          ? html`<p class="error-message" part="error-message"><span class="visually-hidden">${errorWord}</span> ${validationMessage(lang, i)}</p>`
          : html`<p class="warning-message" part="warning-message"><span class="visually-hidden">${warnWord}</span> ${validationMessage(lang, i)}</p>`,
      )}
    </div>`;
  }

  /**
   * The MRZ lines with the characters no check digit covers that the read was unsure of marked
   * (the result's `doubts`): a name letter misread with confidence passes every check digit, and
   * these are where such misreads were found.
   */
  private renderDoubts(lines: readonly MrzDoubtLine[] | undefined): TemplateResult | typeof nothing {
    const lang = this.uiLang();
    return renderMrzDoubts(lines ?? [], (key, params) => msg(lang, key, params));
  }

  private mrzBadge(path: string): TemplateResult | typeof nothing {
    const m = this._state.mrz;
    if (!m || !m.fields.includes(path)) return nothing;
    const edited = m.edited.includes(path);
    return html` <span class=${edited ? 'mrz-badge edited' : 'mrz-badge'} part="mrz-badge"
      ><span aria-hidden="true">${msg(this.uiLang(), 'mrz.badge')}${edited ? ' ✎' : ''}</span
      ><span class="visually-hidden">(${msg(this.uiLang(), edited ? 'mrz.editedText' : 'mrz.badgeText')})</span></span
    >`;
  }

  private label(path: string, forId: string | undefined, key?: MessageKey): TemplateResult {
    const lang = this.uiLang();
    const k = key ?? (isMessageKey(path) ? path : undefined);
    const text = k ? msg(lang, k) : fieldLabel(lang, path);
    const req = this.isRequired(path);
    return forId
      ? html`<label for=${forId} part="label">${text}${req ? html` <span class="req">${msg(lang, 'required')}</span>` : nothing}${this.mrzBadge(path)}</label>`
      : html`${text}${req ? html` <span class="req">${msg(lang, 'required')}</span>` : nothing}${this.mrzBadge(path)}`;
  }

  private isRequired(path: string): boolean {
    return REQUIRED_PATHS.has(path.replace(/^findings\.\d+\./, 'findings.*.'));
  }

  private hint(path: string, key: MessageKey | undefined): TemplateResult | typeof nothing {
    return key ? html`<p id=${`${fid(path)}-hint`} class="hint" part="hint">${msg(this.uiLang(), key)}</p>` : nothing;
  }

  private describedBy(path: string, hintKey: MessageKey | undefined, issues: ValidationIssue[]): string | undefined {
    const ids = [hintKey ? `${fid(path)}-hint` : '', issues.length ? `${fid(path)}-msg` : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : undefined;
  }

  // ---------------------------------------------------------------- field renderers

  private textField(
    path: TextPath,
    opts: { type?: 'text' | 'tel' | 'email'; inputmode?: 'numeric' | 'tel' | 'email' | 'text'; autocomplete?: FieldAutofill; hint?: MessageKey; multiline?: boolean; wide?: boolean; mono?: boolean } = {},
  ): TemplateResult {
    const id = fid(path);
    const issues = this.issuesFor(path);
    const invalid = issues.some((i) => i.severity === 'error');
    const common = {
      describedBy: this.describedBy(path, opts.hint, issues),
    };
    const onInput = (e: Event): void => this.setText(path, (e.target as HTMLInputElement | HTMLTextAreaElement).value);
    return html`<div class=${`field${opts.wide ? ' wide' : ''}${invalid ? ' invalid' : ''}`} data-field=${path}>
      ${this.label(path, id)} ${this.hint(path, opts.hint)} ${this.renderMessages(`${id}-msg`, issues)}
      ${opts.multiline
        ? html`<textarea
            id=${id}
            part="input"
            dir="auto"
            rows="4"
            aria-describedby=${ifDefined(common.describedBy)}
            aria-invalid=${invalid ? 'true' : 'false'}
            ?disabled=${this.isDisabled}
            .value=${live(this._state.text[path])}
            @input=${onInput}
            @change=${() => this.touch(path)}
          ></textarea>`
        : html`<input
            id=${id}
            part="input"
            class=${opts.mono ? 'mono' : ''}
            type=${opts.type ?? 'text'}
            dir="auto"
            inputmode=${ifDefined(opts.inputmode)}
            autocomplete=${opts.autocomplete ?? 'off'}
            spellcheck="false"
            aria-describedby=${ifDefined(common.describedBy)}
            aria-invalid=${invalid ? 'true' : 'false'}
            aria-required=${this.isRequired(path) ? 'true' : 'false'}
            ?disabled=${this.isDisabled}
            .value=${live(this._state.text[path])}
            @input=${onInput}
            @change=${() => this.touch(path)}
          />`}
    </div>`;
  }

  private selectField(path: TextPath, options: readonly (readonly [string, string])[], opts: { empty?: MessageKey; hint?: MessageKey } = {}): TemplateResult {
    const id = fid(path);
    const issues = this.issuesFor(path);
    const invalid = issues.some((i) => i.severity === 'error');
    const value = this._state.text[path];
    return html`<div class=${`field${invalid ? ' invalid' : ''}`} data-field=${path}>
      ${this.label(path, id)} ${this.hint(path, opts.hint)} ${this.renderMessages(`${id}-msg`, issues)}
      <select
        id=${id}
        part="input"
        aria-describedby=${ifDefined(this.describedBy(path, opts.hint, issues))}
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-required=${this.isRequired(path) ? 'true' : 'false'}
        ?disabled=${this.isDisabled}
        @change=${(e: Event) => {
          this.setText(path, (e.target as HTMLSelectElement).value);
          this.touch(path);
        }}
      >
        <option value="" ?selected=${value === ''}>${msg(this.uiLang(), opts.empty ?? 'choose')}</option>
        ${options.map(([v, text]) => html`<option value=${v} ?selected=${v === value}>${text}</option>`)}
        ${value && !options.some(([v]) => v === value) ? html`<option value=${value} selected>${value}</option>` : nothing}
      </select>
    </div>`;
  }

  private radioField(path: TextPath, options: readonly (readonly [string, string])[]): TemplateResult {
    const id = fid(path);
    const issues = this.issuesFor(path);
    const invalid = issues.some((i) => i.severity === 'error');
    return html`<fieldset class=${`field radios${invalid ? ' invalid' : ''}`} data-field=${path} aria-describedby=${ifDefined(this.describedBy(path, undefined, issues))}>
      <legend part="label">${this.label(path, undefined)}</legend>
      ${this.renderMessages(`${id}-msg`, issues)}
      ${options.map(
        ([v, text], i) => html`<div class="radio">
          <input
            type="radio"
            id=${i === 0 ? id : `${id}-${v}`}
            name=${id}
            value=${v}
            aria-invalid=${invalid ? 'true' : 'false'}
            ?disabled=${this.isDisabled}
            .checked=${live(this._state.text[path] === v)}
            @change=${() => {
              this.setText(path, v);
              this.touch(path);
            }}
          /><label for=${i === 0 ? id : `${id}-${v}`}>${text}</label>
        </div>`,
      )}
    </fieldset>`;
  }

  private dateField(path: DatePath, hint: MessageKey | undefined = 'date.hint'): TemplateResult {
    return this.renderDate(
      path,
      this._state.dates[path],
      (part, value) => this.setDatePart(path, part, value),
      hint,
      path === 'identity.birthDate' ? 'bday' : undefined,
      this.label(path, undefined),
    );
  }

  private renderDate(
    path: string,
    parts: DateParts,
    onPart: (part: keyof DateParts, value: string) => void,
    hint: MessageKey | undefined,
    autocompletePrefix: 'bday' | undefined,
    legend: TemplateResult,
  ): TemplateResult {
    const id = fid(path);
    const issues = this.issuesFor(path);
    const invalid = issues.some((i) => i.severity === 'error');
    const lang = this.uiLang();
    const part = (name: keyof DateParts, size: number): TemplateResult => html`<div class=${`date-part ${name}`}>
      <label for=${`${id}-${name}`}>${msg(lang, `date.${name}`)}</label>
      <input
        id=${`${id}-${name}`}
        part="input"
        class=${`w${size}`}
        type="text"
        inputmode="numeric"
        autocomplete=${autocompletePrefix ? (`${autocompletePrefix}-${name}` as const) : 'off'}
        aria-invalid=${invalid ? 'true' : 'false'}
        ?disabled=${this.isDisabled}
        .value=${live(parts[name])}
        @input=${(e: Event) => onPart(name, (e.target as HTMLInputElement).value)}
      />
    </div>`;
    return html`<fieldset
      class=${`field date${invalid ? ' invalid' : ''}`}
      data-field=${path}
      role="group"
      aria-describedby=${ifDefined(this.describedBy(path, hint, issues))}
      @focusout=${(e: FocusEvent) => {
        const to = e.relatedTarget as Node | null;
        if (!to || !(e.currentTarget as HTMLElement).contains(to)) this.touch(path);
      }}
    >
      <legend part="label">${legend}</legend>
      ${this.hint(path, hint)} ${this.renderMessages(`${id}-msg`, issues)}
      <div class="date-parts">${part('day', 2)}${part('month', 2)}${part('year', 4)}</div>
    </fieldset>`;
  }

  private countryField(path: 'identity.nationality' | 'document.issuingState'): TemplateResult {
    const id = fid(path);
    const issues = this.issuesFor(path);
    const invalid = issues.some((i) => i.severity === 'error');
    return html`<div class=${`field${invalid ? ' invalid' : ''}`} data-field=${path}>
      ${this.label(path, id)} ${this.renderMessages(`${id}-msg`, issues)}
      ${this.combos.render({
        path,
        id,
        value: this._state.text[path],
        lang: this.uiLang(),
        describedBy: this.describedBy(path, undefined, issues),
        invalid,
        required: this.isRequired(path),
        disabled: this.isDisabled,
        onValue: (value, committed) => {
          if (value !== this._state.text[path]) this.setText(path, value);
          if (committed) this.touch(path);
        },
      })}
    </div>`;
  }

  private regionSelect(path: 'address.region.province' | 'address.region.regency' | 'address.region.district' | 'address.region.village', options: RegionOptions, enabled: boolean): TemplateResult {
    const lang = this.uiLang();
    const id = fid(path);
    const issues = this.issuesFor(path);
    const invalid = issues.some((i) => i.severity === 'error');
    const value = this._state.text[path];
    const list = Array.isArray(options) ? (options as readonly { code: string; name: string }[]) : [];
    return html`<div class=${`field${invalid ? ' invalid' : ''}`} data-field=${path}>
      ${this.label(path, id)} ${this.renderMessages(`${id}-msg`, issues)}
      <select
        id=${id}
        part="input"
        aria-invalid=${invalid ? 'true' : 'false'}
        aria-describedby=${ifDefined(options === 'loading' || options === 'error' ? `${id}-status` : issues.length ? `${id}-msg` : undefined)}
        aria-busy=${options === 'loading' ? 'true' : 'false'}
        ?disabled=${this.isDisabled || !enabled || options === 'loading'}
        @change=${(e: Event) => {
          this.setText(path, (e.target as HTMLSelectElement).value);
          this.touch(path);
        }}
      >
        <option value="" ?selected=${value === ''}>${msg(lang, 'choose')}</option>
        ${list.map((r) => html`<option value=${r.code} ?selected=${r.code === value}>${r.name}</option>`)}
        ${value && !list.some((r) => r.code === value) ? html`<option value=${value} selected>${value}</option>` : nothing}
      </select>
      ${options === 'loading'
        ? html`<p id=${`${id}-status`} class="hint" role="status">${msg(lang, 'region.loading')}</p>`
        : options === 'error'
          ? html`<p id=${`${id}-status`} class="warning-message" role="alert">${msg(lang, 'region.failed')}</p>`
          : nothing}
    </div>`;
  }

  // ---------------------------------------------------------------- sections

  private section(key: MessageKey, body: TemplateResult, optional = false, used = false): TemplateResult {
    const lang = this.uiLang();
    return html`<fieldset class="section" part="section" data-section=${key}>
      <legend part="legend"><h2>${msg(lang, key)}${optional ? html` <span class="opt">${msg(lang, 'optional')}</span>` : nothing}</h2></legend>
      ${optional && !used && SECTIONS_WITH_REQUIRED.has(key) ? html`<p class="hint section-hint">${msg(lang, 'section.optionalHint')}</p>` : nothing} ${body}
    </fieldset>`;
  }

  private renderFindings(): TemplateResult {
    const lang = this.uiLang();
    const cats = FINDING_CATEGORIES.map((c) => [c, msg(lang, `finding.${c}` as MessageKey)] as const);
    return html`${this._state.findings.length === 0 ? html`<p class="hint">${msg(lang, 'findings.none')}</p>` : nothing}
      <ol class="findings">
        ${this._state.findings.map((f, i) => this.renderFinding(f, i, cats))}
      </ol>
      <button type="button" part="button" ?disabled=${this.isDisabled} @click=${this.addFinding}>${msg(lang, 'findings.add')}</button>
      <div class="row">${this.selectField('status', RECORD_STATUSES.map((s) => [s, msg(lang, `status.${s}` as MessageKey)] as const))}</div>`;
  }

  private renderFinding(f: FindingDraft, i: number, cats: readonly (readonly [FindingCategory, string])[]): TemplateResult {
    const lang = this.uiLang();
    const base = `findings.${i}`;
    const upd = (mut: (d: FindingDraft) => void): void =>
      this.change((s) => {
        const d = s.findings[i];
        if (d) mut(d);
      });
    const catPath = `${base}.category`;
    const descPath = `${base}.description`;
    const catIssues = this.issuesFor(catPath);
    const descIssues = this.issuesFor(descPath);
    const otherIssues = this._issues.filter((x) => /^findings\.\d+\.(id|agencyId|operationId|restricted)$/.test(x.path) && x.path.startsWith(base + '.') && (this.submitted || x.severity === 'warning'));
    return html`<li class="finding">
      <fieldset class="finding-box">
        <legend>${msg(lang, 'findings.item', { n: i + 1 })}</legend>
        ${this.renderDate(`${base}.date`, f.date, (part, v) => upd((d) => (d.date = { ...d.date, [part]: v })), 'date.hint', undefined, html`${msg(lang, 'findings.date')} <span class="req">${msg(lang, 'required')}</span>`)}
        <div class=${`field${catIssues.length ? ' invalid' : ''}`}>
          <label for=${fid(catPath)}>${msg(lang, 'findings.category')} <span class="req">${msg(lang, 'required')}</span></label>
          ${this.renderMessages(`${fid(catPath)}-msg`, catIssues)}
          <select
            id=${fid(catPath)}
            part="input"
            aria-describedby=${ifDefined(catIssues.length ? `${fid(catPath)}-msg` : undefined)}
            aria-invalid=${catIssues.some((x) => x.severity === 'error') ? 'true' : 'false'}
            ?disabled=${this.isDisabled}
            @change=${(e: Event) => {
              upd((d) => (d.category = (e.target as HTMLSelectElement).value));
              this.touch(catPath);
            }}
          >
            <option value="" ?selected=${!f.category}>${msg(lang, 'choose')}</option>
            ${cats.map(([v, t]) => html`<option value=${v} ?selected=${f.category === v}>${t}</option>`)}
          </select>
        </div>
        <div class=${`field wide${descIssues.length ? ' invalid' : ''}`}>
          <label for=${fid(descPath)}>${msg(lang, 'findings.description')} <span class="req">${msg(lang, 'required')}</span></label>
          ${this.renderMessages(`${fid(descPath)}-msg`, [...descIssues, ...otherIssues])}
          <textarea
            id=${fid(descPath)}
            part="input"
            dir="auto"
            rows="3"
            aria-describedby=${ifDefined(descIssues.length || otherIssues.length ? `${fid(descPath)}-msg` : undefined)}
            aria-invalid=${descIssues.some((x) => x.severity === 'error') ? 'true' : 'false'}
            ?disabled=${this.isDisabled}
            .value=${live(f.description)}
            @input=${(e: Event) => upd((d) => (d.description = (e.target as HTMLTextAreaElement).value))}
            @change=${() => this.touch(descPath)}
          ></textarea>
        </div>
        <button type="button" part="button" ?disabled=${this.isDisabled} @click=${() => this.removeFinding(i)}>${msg(lang, 'findings.remove', { n: i + 1 })}</button>
      </fieldset>
    </li>`;
  }

  private readonly addFinding = async (): Promise<void> => {
    const n = this._state.findings.length;
    this.change((s) => {
      s.findings.push({ id: crypto.randomUUID(), date: { day: '', month: '', year: '' }, category: '', description: '', agencyId: this.agency || this.activeClient?.agencyId || '' });
    });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(`#${fid(`findings.${n}.date`)}-day`)?.focus();
  };

  private async removeFinding(i: number): Promise<void> {
    this.change((s) => {
      s.findings.splice(i, 1);
    });
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.findings + button')?.focus();
  }

  private renderPhoto(): TemplateResult {
    const lang = this.uiLang();
    const issues = this.issuesFor('photo');
    return html`<div class="photo" data-path="photo">
      ${this.renderMessages(`${fid('photo')}-msg`, issues)}
      ${this._state.photo
        ? html`<img src=${this._state.photo} alt=${msg(lang, 'photo.alt')} part="photo" class="photo-img" />`
        : html`<p class="hint">${msg(lang, 'photo.none')}</p>`}
      ${this._camera === 'on' || this._camera === 'starting'
        ? html`<video class="camera" part="photo" muted playsinline aria-label=${msg(lang, 'photo.preview')}></video>
            <div class="actions">
              <button type="button" class="primary capture-button" part="button" ?disabled=${this._camera !== 'on'} @click=${this.capturePhoto}>${msg(lang, 'photo.capture')}</button>
              <button type="button" part="button" @click=${() => this.stopCamera()}>${msg(lang, 'photo.cancel')}</button>
            </div>`
        : html`<div class="actions">
            <button type="button" id=${fid('photo')} part="button" ?disabled=${this.isDisabled} @click=${() => void this.startCamera()}>${msg(lang, 'photo.take')}</button>
            ${this._state.photo
              ? html`<button type="button" part="button" ?disabled=${this.isDisabled} @click=${() => this.change((s) => (s.photo = ''))}>${msg(lang, 'photo.remove')}</button>`
              : nothing}
          </div>`}
      ${this._camera === 'error' ? html`<p class="warning-message" role="alert">${msg(lang, 'photo.denied')}</p>` : nothing}
    </div>`;
  }

  private renderDuplicates(): TemplateResult | typeof nothing {
    const lang = this.uiLang();
    return html`<div class=${this._duplicates.length ? 'duplicates has' : 'duplicates'} part="duplicates" role="status" aria-live="polite">
      ${this._duplicates.length
        ? html`<h2>${msg(lang, 'dup.title')}</h2>
            <ul>
              ${this._duplicates.map((d) => {
                const name = `${d.record.identity.surname}${d.record.identity.givenNames ? `, ${d.record.identity.givenNames}` : ''}`;
                const href = this.recordHref ? this.recordHref.replace('{id}', encodeURIComponent(d.record.id)) : `#record-${encodeURIComponent(d.record.id)}`;
                return html`<li>
                  ${d.reason === 'document'
                    ? msg(lang, 'dup.byDocument', { doc: `${d.record.document.issuingState} ${d.record.document.number}`, name })
                    : msg(lang, 'dup.byName', { name })}
                  <a href=${href} data-record-id=${d.record.id} @click=${(e: Event) => this.openRecord(e, d)}>${msg(lang, 'dup.open', { name })}</a>
                </li>`;
              })}
            </ul>`
        : nothing}
    </div>`;
  }

  private renderSummary(): TemplateResult | typeof nothing {
    const s = this._summary;
    if (!s || s.length === 0) return nothing;
    const lang = this.uiLang();
    return html`<div class="error-summary" part="error-summary" role="alert" tabindex="-1" aria-labelledby="summary-title">
      <h2 id="summary-title">${msg(lang, 'summary.title')}</h2>
      <ul>
        ${s.map((i) => {
          const target = this.focusTarget(i.path);
          return html`<li><a href=${`#${target?.id ?? fid(i.path)}`} data-path=${i.path} @click=${(e: Event) => this.focusIssue(e, i.path)}>${validationMessage(lang, i)}</a></li>`;
        })}
      </ul>
    </div>`;
  }

  override render(): TemplateResult {
    const lang = this.uiLang();
    const t = this._state.text;
    const used = usedSections(this._state);
    const opt = <T extends string>(values: readonly T[], prefix: string): (readonly [T, string])[] => values.map((v) => [v, msg(lang, `${prefix}${v}` as MessageKey)] as const);
    const regencies = this.regions.regencies(t['address.region.province']);
    const districts = this.regions.districtsOf(t['address.region.regency']);
    const villages = this.regions.villagesOf(t['address.region.district']);
    return html`
      <slot name="header"></slot>
      <form part="form" novalidate aria-label=${msg(lang, 'form.label')} @submit=${this.onSubmit}>
        ${this.renderSummary()}
        <div class="notices">
          <div role="status" class="notice">
            ${this._notice
              ? html`<p class=${`notice-${this._notice.tone}`}>${msg(lang, this._notice.key, this._notice.params)}
                  ${this._notice.key === 'draft.restored'
                    ? html`<button type="button" part="button" @click=${() => void this.discardDraft()}>${msg(lang, 'draft.discard')}</button>`
                    : nothing}${this.renderDoubts(this._notice.doubts)}</p>`
              : nothing}
          </div>
          <div role="alert" class="save-error">${this._saveError ? html`<p class="error-message">${this._saveError}</p>` : nothing}</div>
        </div>
        ${this.renderDuplicates()}
        <div class="toolbar">
          <button type="button" class="scan-button" part="button" ?disabled=${this.isDisabled} @click=${this.openScanner}>${msg(lang, 'mrz.scan')}</button>
        </div>

        ${this.section(
          'section.identity',
          html`<div class="row">
              ${this.textField('identity.surname', { hint: 'identity.surname.hint', autocomplete: 'family-name' })}
              ${this.textField('identity.givenNames', { autocomplete: 'given-name' })}
            </div>
            ${this.radioField('identity.sex', opt(SEXES, 'sex.'))} ${this.dateField('identity.birthDate')}
            <div class="row">${this.textField('identity.birthPlace')} ${this.countryField('identity.nationality')}</div>`,
        )}
        ${this.section(
          'section.document',
          html`<div class="row">
              ${this.selectField('document.type', opt(DOCUMENT_TYPES, 'doctype.'))} ${this.countryField('document.issuingState')}
              ${this.textField('document.number', { mono: true })}
            </div>
            ${this.dateField('document.issueDate')} ${this.dateField('document.expiryDate')}`,
        )}
        ${this.section(
          'section.permit',
          html`<div class="row">
              ${this.selectField('permit.type', opt(PERMIT_TYPES, 'permittype.'), { empty: 'permit.type.none' })}
              ${this.textField('permit.number', { mono: true })}
            </div>
            ${this.dateField('permit.validFrom')} ${this.dateField('permit.validUntil')}
            <div class="row">${this.textField('permit.visaIndex', { hint: 'permit.visaIndex.hint', mono: true })} ${this.textField('permit.purpose')}</div>`,
          true,
          used.has('permit'),
        )}
        ${this.section(
          'section.sponsor',
          html`${this.radioField('sponsor.kind', [
              ['person', msg(lang, 'sponsor.kind.person')],
              ['company', msg(lang, 'sponsor.kind.company')],
            ])}
            <div class="row">${this.textField('sponsor.name')} ${this.textField('sponsor.idNumber', { inputmode: 'numeric' })}</div>
            <div class="row">
              ${this.textField('sponsor.phone', { type: 'tel', autocomplete: 'tel' })} ${this.textField('sponsor.email', { type: 'email', autocomplete: 'email' })}
            </div>
            ${this.textField('sponsor.address', { multiline: true, wide: true })}`,
          true,
          used.has('sponsor'),
        )}
        ${this.section(
          'section.address',
          html`${this.textField('address.street', { wide: true })}
            <div class="row">
              ${this.textField('address.rt', { inputmode: 'numeric' })} ${this.textField('address.rw', { inputmode: 'numeric' })}
              ${this.textField('address.postalCode', { inputmode: 'numeric', autocomplete: 'postal-code' })}
            </div>
            <div class="row">
              ${this.regionSelect('address.region.province', this.regions.provinces(), true)}
              ${this.regionSelect('address.region.regency', regencies, !!t['address.region.province'])}
            </div>
            <div class="row">
              ${this.regionSelect('address.region.district', districts, !!t['address.region.regency'])}
              ${this.regionSelect('address.region.village', villages, !!t['address.region.district'])}
            </div>
            <p class="hint attribution" title=${regionDataAttribution}>${msg(lang, 'region.attribution')}</p>`,
          true,
          used.has('address'),
        )}
        ${this.section(
          'section.occupation',
          html`<div class="row">${this.textField('occupation.title')} ${this.textField('occupation.employer')}</div>
            ${this.textField('occupation.employerAddress', { multiline: true, wide: true })} ${this.textField('occupation.workPermitNumber', { mono: true })}`,
          true,
          used.has('occupation'),
        )}
        ${this.section(
          'section.arrival',
          html`${this.dateField('arrival.date')} ${this.textField('arrival.checkpoint', { hint: 'arrival.checkpoint.hint' })}`,
          true,
          used.has('arrival'),
        )}
        ${this.section('section.findings', this.renderFindings())} ${this.section('section.photo', this.renderPhoto(), true, !!this._state.photo)}
        ${this.section('section.notes', this.textField('notes', { multiline: true, wide: true }), true, !!t['notes'])}

        <div class="actions submit-row">
          <button type="submit" class="primary" part="button submit" ?disabled=${this.isDisabled || this._saving}>${msg(lang, this._saving ? 'saving' : 'save')}</button>
          <button type="button" part="button" ?disabled=${this.isDisabled} @click=${() => void this.clear()}>${msg(lang, 'reset')}</button>
        </div>
      </form>
      <dialog class="scanner" aria-label=${msg(lang, 'mrz.dialog')} @close=${() => this.closeScanner()} @cancel=${() => this.closeScanner()}>
        <div class="scanner-body"></div>
        <button type="button" part="button" @click=${() => this.closeScanner()}>${msg(lang, 'mrz.close')}</button>
      </dialog>
    `;
  }

  private readonly onSubmit = (e: Event): void => {
    e.preventDefault();
    void this.save();
  };
}

/** Tag name of {@link TimporaForeignerForm}. */
export const FOREIGNER_FORM_TAG = 'timpora-foreigner-form';

export { isDatePath };
