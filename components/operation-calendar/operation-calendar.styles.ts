import { css } from 'lit';
import { tokens } from '../shared/tokens.ts';

/** Styles of `<timpora-operation-calendar>`; component tokens read the `--timpora-sys-*` system tokens. */
export const styles = [
  tokens,
  css`
    :host {
      display: block;
      --_hour: var(--timpora-calendar-hour-height, 48px);
      --_row: var(--timpora-calendar-agenda-row-height, 56px);
      --_agenda-height: var(--timpora-calendar-agenda-height, 560px);
      --_timegrid-height: var(--timpora-calendar-timegrid-height, 600px);
      --_cell-min: var(--timpora-calendar-day-min-height, 7.5rem);
      --_joint: var(--timpora-calendar-color-joint-operation, #0b4f8a);
      --_meeting: var(--timpora-calendar-color-coordination-meeting, #5a3d8a);
      --_inspection: var(--timpora-calendar-color-inspection, #1e6b34);
      --_outreach: var(--timpora-calendar-color-outreach, #8a4b00);
      --_today: var(--timpora-calendar-color-today, #e6f0fa);
      --_conflict: var(--timpora-calendar-color-conflict, var(--_error));
    }
    .base {
      display: flex;
      flex-direction: column;
      gap: var(--_space);
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--_space);
    }
    .toolbar h2 {
      font-size: 1.25rem;
      margin: 0 var(--_space);
      min-width: 12ch;
    }
    .group {
      display: inline-flex;
      gap: 4px;
      flex-wrap: wrap;
    }
    button[aria-pressed='true'] {
      background: var(--_primary);
      color: var(--_on-primary);
      border-color: var(--_primary);
    }
    label.inline {
      display: inline-flex;
      flex-direction: column;
      font-size: 0.875rem;
      color: var(--_on-surface-variant);
    }
    select,
    input,
    textarea {
      font: inherit;
      color: var(--_on-surface);
      background: var(--_surface);
      border: 1px solid var(--_outline);
      border-radius: var(--_radius);
      min-height: 44px;
      padding: 0 var(--_space);
    }
    textarea {
      padding: var(--_space);
      min-height: 5rem;
    }
    .file-label {
      display: inline-flex;
      align-items: center;
      min-height: 44px;
      padding: 0 calc(var(--_space) * 2);
      border: 1px solid var(--_outline);
      border-radius: var(--_radius);
      cursor: pointer;
    }
    .file-label:focus-within {
      outline: 3px solid var(--_focus);
      outline-offset: 2px;
    }
    .zone-note {
      margin: 0;
      font-size: 0.875rem;
      color: var(--_on-surface-variant);
    }
    .error-banner {
      border-left: 4px solid var(--_error);
      padding: var(--_space);
      background: var(--_surface-variant);
    }

    /* month */
    .month {
      border: 1px solid var(--_outline-variant);
      border-radius: var(--_radius);
    }
    .month [role='row'] {
      display: grid;
      grid-template-columns: repeat(7, minmax(0, 1fr));
    }
    .weekday {
      padding: 4px;
      font-weight: 600;
      text-align: center;
      border-bottom: 1px solid var(--_outline-variant);
    }
    .day {
      min-height: var(--_cell-min);
      padding: 2px;
      border-right: 1px solid var(--_outline-variant);
      border-bottom: 1px solid var(--_outline-variant);
      display: flex;
      flex-direction: column;
      gap: 2px;
      min-width: 0;
    }
    .day.other {
      background: var(--_surface-variant);
    }
    .day.other .num {
      color: var(--_on-surface-variant);
    }
    .day.today {
      background: var(--_today);
    }
    .day .num {
      font-weight: 600;
      font-size: 0.875rem;
      padding: 0 4px;
    }
    .day.today .num {
      text-decoration: underline;
    }
    .event {
      --_kind: var(--_joint);
      display: block;
      width: 100%;
      min-height: 24px;
      min-width: 24px;
      padding: 0 4px;
      border: 0;
      border-left: 4px solid var(--_kind);
      border-radius: 3px;
      background: color-mix(in srgb, var(--_kind) 12%, var(--_surface));
      color: var(--_on-surface);
      text-align: start;
      font-size: 0.8125rem;
      line-height: 1.3;
      overflow: hidden;
      white-space: nowrap;
      text-overflow: ellipsis;
      cursor: grab;
      touch-action: none;
    }
    .event.k-coordination_meeting {
      --_kind: var(--_meeting);
    }
    .event.k-inspection {
      --_kind: var(--_inspection);
    }
    .event.k-outreach {
      --_kind: var(--_outreach);
    }
    .event.s-cancelled .title {
      text-decoration: line-through;
    }
    .event.conflict {
      outline: 2px dashed var(--_conflict);
      outline-offset: -2px;
    }
    .event .mark {
      color: var(--_conflict);
      font-weight: 700;
    }
    .event.dragging {
      opacity: 0.5;
    }
    .drop-target {
      box-shadow: inset 0 0 0 3px var(--_primary);
    }
    .more {
      min-height: 24px;
      min-width: 24px;
      padding: 0 4px;
      border: 0;
      background: none;
      color: var(--_primary);
      text-align: start;
      text-decoration: underline;
      font-size: 0.8125rem;
    }

    /* week / day */
    .timegrid {
      border: 1px solid var(--_outline-variant);
      border-radius: var(--_radius);
      max-height: var(--_timegrid-height);
      overflow: auto;
    }
    .timegrid [role='row'] {
      display: grid;
      grid-template-columns: 4.5rem repeat(var(--_cols), minmax(0, 1fr));
    }
    .timegrid .head {
      position: sticky;
      top: 0;
      z-index: 3;
      background: var(--_surface);
      border-bottom: 1px solid var(--_outline-variant);
    }
    .timegrid .colhead {
      padding: 4px;
      text-align: center;
      font-weight: 600;
    }
    .timegrid .colhead.today {
      background: var(--_today);
    }
    .hourhead {
      font-size: 0.75rem;
      color: var(--_on-surface-variant);
      padding: 0 4px;
      height: var(--_hour);
      border-right: 1px solid var(--_outline-variant);
    }
    .slot {
      position: relative;
      height: var(--_hour);
      border-right: 1px solid var(--_outline-variant);
      border-bottom: 1px solid var(--_outline-variant);
    }
    .slot .event {
      position: absolute;
      z-index: 1;
      white-space: normal;
    }
    .slot .event .handle {
      position: absolute;
      left: 0;
      right: 0;
      bottom: 0;
      height: 8px;
      cursor: ns-resize;
    }

    /* agenda */
    .agenda {
      position: relative;
      height: var(--_agenda-height);
      overflow: auto;
      border: 1px solid var(--_outline-variant);
      border-radius: var(--_radius);
      contain: strict;
    }
    .agenda .rows {
      position: relative;
      contain: layout size;
    }
    .arow {
      position: absolute;
      left: 0;
      right: 0;
      height: var(--_row);
      display: flex;
    }
    .arow > [role='gridcell'] {
      flex: 1;
      display: flex;
      align-items: center;
      gap: var(--_space);
      padding: 0 var(--_space);
      min-width: 0;
      border-bottom: 1px solid var(--_outline-variant);
    }
    .arow.dayrow > [role='gridcell'] {
      font-weight: 600;
      background: var(--_surface-variant);
    }
    .arow .event {
      width: auto;
      flex: 1;
      min-width: 0;
      height: calc(var(--_row) - 12px);
      white-space: normal;
      cursor: pointer;
    }
    .agenda .empty {
      padding: var(--_space);
    }

    /* dialog */
    dialog {
      width: min(44rem, 96vw);
      max-height: 92vh;
      border: 1px solid var(--_outline);
      border-radius: var(--_radius);
      padding: calc(var(--_space) * 2);
      color: var(--_on-surface);
      background: var(--_surface);
    }
    dialog::backdrop {
      background: rgb(0 0 0 / 0.4);
    }
    dialog h2 {
      margin-top: 0;
    }
    .field {
      display: flex;
      flex-direction: column;
      gap: 4px;
      margin-bottom: calc(var(--_space) * 1.5);
    }
    .field label,
    legend {
      font-weight: 600;
    }
    .hint {
      font-size: 0.875rem;
      color: var(--_on-surface-variant);
    }
    .field-error {
      color: var(--_error);
      font-weight: 600;
    }
    [aria-invalid='true'] {
      border: 2px solid var(--_error);
    }
    .row2 {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr));
      gap: var(--_space);
    }
    fieldset {
      border: 1px solid var(--_outline-variant);
      border-radius: var(--_radius);
      margin: 0 0 calc(var(--_space) * 1.5);
    }
    .summary {
      border: 4px solid var(--_error);
      padding: var(--_space);
      margin-bottom: var(--_space);
    }
    .summary a {
      color: var(--_error);
      font-weight: 600;
    }
    .warnings {
      border: 2px solid var(--_warning);
      background: var(--_warning-container);
      color: var(--_on-surface);
      padding: var(--_space);
      margin-bottom: var(--_space);
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: var(--_space);
      justify-content: flex-end;
    }

    @media (forced-colors: active) {
      .event {
        border: 1px solid CanvasText;
      }
      .event.conflict {
        outline: 2px dashed Highlight;
      }
    }

    @media print {
      :host {
        color: #000;
      }
      .toolbar .group,
      .toolbar label,
      .toolbar .file-label,
      .no-print,
      dialog {
        display: none !important;
      }
      .month,
      .timegrid,
      .agenda {
        border-color: #000;
        max-height: none;
        height: auto;
        overflow: visible;
        contain: none;
      }
      .day {
        break-inside: avoid;
        min-height: 0;
      }
      .event {
        background: none;
        border-left-width: 2px;
        white-space: normal;
      }
      .agenda .rows {
        height: auto !important;
        contain: none;
      }
      .arow {
        position: static;
        transform: none !important;
        height: auto;
        break-inside: avoid;
      }
    }
  `,
];
