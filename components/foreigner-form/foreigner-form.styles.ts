import { css } from 'lit';
import { tokens } from '../shared/tokens.ts';
import { mrzDoubtStyles } from '../shared/mrz-doubts.ts';

/** Styles of `<timpora-foreigner-form>`: shared tokens first, then the form's own rules. */
export const styles = [
  tokens,
  mrzDoubtStyles,
  css`
    :host {
      display: block;
      max-width: var(--timpora-foreigner-form-max-width, 60rem);
      line-height: 1.5;
    }
    form {
      display: grid;
      gap: calc(var(--_space) * 2);
    }
    h2 {
      font-size: 1.25rem;
      margin: 0;
    }
    .section {
      border: 1px solid var(--_outline-variant);
      border-radius: var(--_radius);
      padding: calc(var(--_space) * 2);
      margin: 0;
      display: grid;
      gap: calc(var(--_space) * 2);
      background: var(--_surface);
    }
    .section > legend {
      padding: 0 var(--_space);
    }
    .opt,
    .req {
      font-weight: normal;
      font-size: 0.875em;
      color: var(--_on-surface-variant);
    }
    .row {
      display: flex;
      flex-wrap: wrap;
      gap: calc(var(--_space) * 2);
    }
    .row > .field {
      flex: 1 1 14rem;
    }
    .field {
      display: grid;
      gap: calc(var(--_space) / 2);
      align-content: start;
      margin: 0;
      padding: 0;
      border: 0;
      min-width: 0;
    }
    .field.invalid {
      border-left: 4px solid var(--_error);
      padding-left: calc(var(--_space) * 1.5);
    }
    label,
    legend {
      font-weight: 600;
    }
    input,
    select,
    textarea {
      font: inherit;
      color: var(--_on-surface);
      background: var(--_surface);
      border: 2px solid var(--_outline);
      border-radius: var(--_radius);
      min-height: 44px;
      padding: 0 var(--_space);
      width: 100%;
    }
    textarea {
      padding: var(--_space);
      resize: vertical;
    }
    input.mono {
      font-family: var(--_font-mono);
      letter-spacing: 0.05em;
    }
    [aria-invalid='true'] {
      border-color: var(--_error);
    }
    input:disabled,
    select:disabled,
    textarea:disabled {
      background: var(--_surface-variant);
      color: var(--_on-surface-variant);
    }
    .hint {
      margin: 0;
      color: var(--_on-surface-variant);
    }
    .messages p {
      margin: 0;
    }
    .error-message {
      color: var(--_error);
      font-weight: 600;
      margin: 0;
    }
    .warning-message {
      color: var(--_warning);
      background: var(--_warning-container);
      padding: 2px var(--_space);
      border-radius: var(--_radius);
      margin: 0;
    }
    .date-parts {
      display: flex;
      gap: calc(var(--_space) * 2);
    }
    .date-part {
      display: grid;
      gap: 2px;
    }
    .date-part label {
      font-weight: normal;
    }
    .date-part input.w2 {
      width: 4.5ch;
      min-width: 4.5rem;
    }
    .date-part input.w4 {
      width: 7rem;
    }
    .radios {
      display: grid;
      gap: var(--_space);
    }
    .radio {
      display: flex;
      align-items: center;
      gap: var(--_space);
    }
    .radio input {
      width: 24px;
      min-height: 24px;
      height: 24px;
      margin: 0;
    }
    .radio label {
      font-weight: normal;
    }
    .combobox {
      position: relative;
    }
    .listbox {
      position: absolute;
      z-index: 10;
      left: 0;
      right: 0;
      max-height: 16rem;
      overflow-y: auto;
      margin: 2px 0 0;
      padding: 0;
      list-style: none;
      background: var(--_surface);
      border: 2px solid var(--_outline);
      border-radius: var(--_radius);
    }
    .option {
      padding: var(--_space);
      cursor: pointer;
      min-height: 44px;
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    .option.active,
    .option:hover {
      background: var(--_primary);
      color: var(--_on-primary);
    }
    .option .code {
      font-family: var(--_font-mono);
    }
    .combobox-empty {
      margin: 2px 0 0;
      color: var(--_on-surface-variant);
    }
    .mrz-badge {
      display: inline-block;
      margin-inline-start: var(--_space);
      padding: 0 6px;
      border-radius: 999px;
      font-size: 0.75em;
      font-weight: 700;
      background: var(--_primary);
      color: var(--_on-primary);
      vertical-align: middle;
    }
    .mrz-badge.edited {
      background: var(--_warning-container);
      color: var(--_warning);
      outline: 1px solid var(--_warning);
    }
    .error-summary {
      border: 4px solid var(--_error);
      padding: calc(var(--_space) * 2);
      border-radius: var(--_radius);
    }
    .error-summary ul {
      margin: var(--_space) 0 0;
      padding-left: 1.25rem;
    }
    .error-summary a {
      color: var(--_error);
      font-weight: 600;
    }
    .notice p {
      margin: 0;
      padding: var(--_space);
      border-radius: var(--_radius);
      display: flex;
      gap: var(--_space);
      align-items: center;
      flex-wrap: wrap;
    }
    .mrz-doubts {
      flex-basis: 100%;
      gap: calc(var(--_space) / 2);
    }
    .mrz-line {
      font-family: var(--_font-mono);
      color: var(--_on-surface);
    }
    .notice-info {
      background: var(--_surface-variant);
    }
    .notice-success {
      background: var(--_surface-variant);
      color: var(--_success);
    }
    .notice-warning {
      background: var(--_warning-container);
      color: var(--_warning);
    }
    .section > button {
      justify-self: start;
    }
    .duplicates.has {
      border-left: 6px solid var(--_warning);
      background: var(--_warning-container);
      padding: var(--_space) calc(var(--_space) * 2);
    }
    .duplicates ul {
      margin: var(--_space) 0 0;
    }
    .duplicates a {
      color: var(--_primary);
      font-weight: 600;
      margin-inline-start: var(--_space);
    }
    .actions,
    .toolbar {
      display: flex;
      gap: var(--_space);
      flex-wrap: wrap;
    }
    .findings {
      margin: 0;
      padding: 0;
      list-style: none;
      display: grid;
      gap: calc(var(--_space) * 2);
    }
    .finding-box {
      border: 1px dashed var(--_outline);
      border-radius: var(--_radius);
      display: grid;
      gap: calc(var(--_space) * 2);
    }
    .photo {
      display: grid;
      gap: var(--_space);
    }
    .photo-img,
    video.camera {
      max-width: 320px;
      width: 100%;
      border-radius: var(--_radius);
      border: 1px solid var(--_outline-variant);
    }
    dialog.scanner {
      max-width: min(48rem, 95vw);
      border: 0;
      border-radius: var(--_radius);
      padding: calc(var(--_space) * 2);
    }
    dialog.scanner::backdrop {
      background: rgb(0 0 0 / 0.5);
    }
    .attribution {
      font-size: 0.875em;
    }
  `,
];
