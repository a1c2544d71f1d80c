/**
 * Design tokens shared by every widget, in two tiers (after Material Web):
 * system tokens `--timpora-sys-*` that a portal sets once (e.g. on `:root`), and the component styles
 * that read them with a default, so a widget looks right with no theme at all.
 * @module
 */
import { css } from 'lit';
import { visuallyHidden } from './visually-hidden.ts';

/**
 * The host-level defaults every widget includes first. Portals override any `--timpora-sys-*` property
 * on `:root` or on a widget; the fallbacks below apply when none is set.
 */
export const tokens = css`
  :host {
    --_primary: var(--timpora-sys-color-primary, #0b4f8a);
    --_on-primary: var(--timpora-sys-color-on-primary, #ffffff);
    --_surface: var(--timpora-sys-color-surface, #ffffff);
    --_surface-variant: var(--timpora-sys-color-surface-variant, #f1f4f8);
    --_on-surface: var(--timpora-sys-color-on-surface, #1b1f24);
    --_on-surface-variant: var(--timpora-sys-color-on-surface-variant, #4a5563);
    --_outline: var(--timpora-sys-color-outline, #6b7685);
    --_outline-variant: var(--timpora-sys-color-outline-variant, #c9d0d9);
    --_error: var(--timpora-sys-color-error, #b3261e);
    --_on-error: var(--timpora-sys-color-on-error, #ffffff);
    --_warning: var(--timpora-sys-color-warning, #8a5300);
    --_warning-container: var(--timpora-sys-color-warning-container, #fff4e0);
    --_success: var(--timpora-sys-color-success, #1e6b34);
    --_focus: var(--timpora-sys-color-focus, #ffbf47);
    --_font: var(--timpora-sys-font-family, system-ui, 'Segoe UI', Roboto, 'Noto Sans', sans-serif);
    --_font-mono: var(--timpora-sys-font-family-mono, 'OCR-B', 'OCRB', ui-monospace, monospace);
    --_font-size: var(--timpora-sys-font-size, 1rem);
    --_radius: var(--timpora-sys-shape-radius, 6px);
    --_space: var(--timpora-sys-space, 8px);

    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_on-surface);
    box-sizing: border-box;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  /* WCAG 2.4.7 / 2.4.13: a focus indicator that is visible on every background. */
  :focus-visible {
    outline: 3px solid var(--_focus);
    outline-offset: 2px;
    box-shadow: 0 0 0 5px var(--_on-surface);
  }
  ${visuallyHidden}
  button {
    font: inherit;
    min-height: 44px;
    min-width: 44px;
    padding: 0 calc(var(--_space) * 2);
    border-radius: var(--_radius);
    border: 1px solid var(--_outline);
    background: var(--_surface);
    color: var(--_on-surface);
    cursor: pointer;
  }
  button.primary {
    background: var(--_primary);
    border-color: var(--_primary);
    color: var(--_on-primary);
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
`;
