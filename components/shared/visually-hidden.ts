/**
 * Text for screen readers only (`class="visually-hidden"`): part of every widget's `tokens` (tokens.ts), and
 * taken alone by a widget that reads no other shared token (the scanner). A module of its own, so
 * such a widget does not bundle the tokens.
 * @module
 */
import { css } from 'lit';

/** The `.visually-hidden` rule. */
export const visuallyHidden = css`
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;
