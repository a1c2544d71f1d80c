/**
 * Timpora Kit: Lit web components and a typed SDK for Indonesia's inter-agency foreigner-supervision
 * teams (Tim Pengawasan Orang Asing).
 *
 * This entry exports the SDK and the element classes without registering any tag; import
 * `timpora-kit/define` (or one `timpora-kit/components/<name>`) to register them.
 * @packageDocumentation
 */
export * from '../sdk/index.ts';
export { TimporaProvider, provideTimpora, type TimporaProvision } from '../components/provider/provider.ts';
export { timporaContext } from '../components/shared/context.ts';
export {
  LocalizeController,
  defineMessages,
  normaliseLang,
  resolveLang,
  DEFAULT_LANG,
  type Lang,
  type LocalizeHost,
  type Message,
  type Messages,
} from '../components/shared/localize.ts';
export { TimporaFormControl } from '../components/shared/form-control.ts';
export {
  TimporaForeignerForm,
  type ForeignerFormClient,
  type RecordSavedDetail,
  type RecordInvalidDetail,
  type RecordOpenDetail,
  type DraftRestoredDetail,
  type RecordSavedEvent,
  type RecordInvalidEvent,
  type RecordOpenEvent,
  type DraftRestoredEvent,
} from '../components/foreigner-form/foreigner-form.ts';
export {
  TEXT_PATHS,
  DATE_PATHS,
  type FormState,
  type FieldPath,
  type TextPath,
  type DatePath,
  type DateParts,
  type FindingDraft,
  type RecordBase,
} from '../components/foreigner-form/form-state.ts';
export {
  TimporaMrzScanner,
  ScannerInputError,
  type ScannerInputErrorCode,
  type MrzReadSource,
  type MrzReadEventDetail,
  type MrzErrorEventDetail,
} from '../components/mrz-scanner/mrz-scanner.ts';
export {
  TimporaOperationCalendar,
  type CalendarView,
  type OperationSelectDetail,
  type OperationSaveDetail,
  type ViewChangeDetail,
  type OperationImportDetail,
  type OperationImportErrorDetail,
} from '../components/operation-calendar/operation-calendar.ts';
export { TimporaSyncStatus, type SyncStatusSource, type SyncStatusDisplayState } from '../components/sync-status/sync-status.ts';
