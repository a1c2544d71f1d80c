import {
  TimporaOperationCalendar,
  type OperationImportDetail,
  type OperationImportErrorDetail,
  type OperationSaveDetail,
  type OperationSelectDetail,
  type ViewChangeDetail,
} from './operation-calendar.ts';

export { TimporaOperationCalendar };

if (!customElements.get('timpora-operation-calendar')) {
  customElements.define('timpora-operation-calendar', TimporaOperationCalendar);
}

declare global {
  interface HTMLElementTagNameMap {
    'timpora-operation-calendar': TimporaOperationCalendar;
  }
  interface HTMLElementEventMap {
    'timpora-operation-select': CustomEvent<OperationSelectDetail>;
    'timpora-operation-save': CustomEvent<OperationSaveDetail>;
    'timpora-operation-import': CustomEvent<OperationImportDetail>;
    'timpora-operation-import-error': CustomEvent<OperationImportErrorDetail>;
    'timpora-view-change': CustomEvent<ViewChangeDetail>;
  }
}
