import { css } from 'lit';
import { mrzDoubtStyles } from '../shared/mrz-doubts.ts';
import { visuallyHidden } from '../shared/visually-hidden.ts';

/** Styles of `<timpora-mrz-scanner>`. Component tokens fall back to the system tokens, then to literals. */
export const styles = [
  visuallyHidden,
  mrzDoubtStyles,
  css`
    :host {
      --_accent: var(--timpora-mrz-scanner-accent, var(--timpora-sys-color-primary, #0b5cab));
      --_guide: var(--timpora-mrz-scanner-guide-color, rgba(255, 255, 255, 0.9));
      --_outline: var(--timpora-mrz-scanner-outline-color, #22c55e);
      --_radius: var(--timpora-mrz-scanner-radius, var(--timpora-sys-radius, 8px));
      --_bg: var(--timpora-mrz-scanner-background, var(--timpora-sys-color-surface, #ffffff));
      --_fg: var(--timpora-mrz-scanner-color, var(--timpora-sys-color-on-surface, #1a1a1a));
      --_error: var(--timpora-sys-color-error, #b3261e);
      --_border: var(--timpora-sys-color-outline, #6b7280);
      display: block;
      font-family: var(--timpora-sys-font-family, system-ui, sans-serif);
      color: var(--_fg);
      background: var(--_bg);
      max-width: var(--timpora-mrz-scanner-max-width, 40rem);
    }
    :host([hidden]) {
      display: none;
    }
    .base {
      display: grid;
      gap: 0.75rem;
    }
    .viewport {
      position: relative;
      aspect-ratio: var(--timpora-mrz-scanner-aspect-ratio, 4 / 3);
      background: #111;
      border-radius: var(--_radius);
      overflow: hidden;
    }
    video,
    .overlay {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
    }
    video {
      object-fit: cover;
    }
    .overlay {
      pointer-events: none;
    }
    .guide {
      fill: none;
      stroke: var(--_guide);
      stroke-width: 3;
      stroke-dasharray: 18 10;
      vector-effect: non-scaling-stroke;
    }
    .outline {
      fill: color-mix(in srgb, var(--_outline) 20%, transparent);
      stroke: var(--_outline);
      stroke-width: 3;
      vector-effect: non-scaling-stroke;
    }
    .live {
      position: absolute;
      top: 0.5rem;
      left: 0.5rem;
      margin: 0;
      display: inline-flex;
      align-items: center;
      gap: 0.4rem;
      padding: 0.2rem 0.6rem;
      border-radius: 999px;
      background: rgba(0, 0, 0, 0.72);
      color: #fff;
      font-size: 0.875rem;
      font-weight: 600;
    }
    .live-dot {
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      background: #ef4444;
    }
    @media (prefers-reduced-motion: no-preference) {
      .live-dot {
        animation: timpora-live-pulse 1.6s ease-in-out infinite;
      }
    }
    @keyframes timpora-live-pulse {
      50% {
        opacity: 0.35;
      }
    }
    .status {
      margin: 0;
      font-weight: 600;
      min-height: 1.5em;
    }
    .error {
      margin: 0;
      padding: 0.5rem 0.75rem;
      border-left: 4px solid var(--_error);
      color: var(--_error);
      background: color-mix(in srgb, var(--_error) 8%, var(--_bg));
    }
    .controls,
    .upload-row,
    .text-actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem;
      align-items: center;
    }
    button {
      font: inherit;
      min-height: 44px;
      min-width: 44px;
      padding: 0.5rem 1rem;
      border-radius: var(--_radius);
      border: 2px solid var(--_accent);
      background: var(--_accent);
      color: var(--timpora-sys-color-on-primary, #ffffff);
      cursor: pointer;
    }
    button.secondary {
      background: transparent;
      color: var(--_accent);
    }
    button:focus-visible,
    select:focus-visible,
    textarea:focus-visible {
      outline: 3px solid var(--timpora-sys-color-focus, #f59e0b);
      outline-offset: 2px;
    }
    select,
    textarea {
      font: inherit;
      color: inherit;
      background: var(--_bg);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      padding: 0.4rem 0.5rem;
      min-height: 44px;
    }
    textarea {
      font-family: 'OCR B', 'OCR-B', ui-monospace, monospace;
      width: 100%;
      box-sizing: border-box;
      text-transform: uppercase;
    }
    fieldset {
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      display: grid;
      gap: 0.75rem;
      padding: 0.75rem;
      margin: 0;
    }
    legend {
      font-weight: 600;
      padding: 0 0.25rem;
    }
    .dropzone {
      border: 2px dashed var(--_border);
      border-radius: var(--_radius);
      padding: 0.75rem;
    }
    .dropzone.dragging {
      border-color: var(--_accent);
      background: color-mix(in srgb, var(--_accent) 8%, var(--_bg));
    }
    .hint {
      margin: 0;
      font-size: 0.9em;
    }
    .mrz-doubts {
      gap: 0.25em;
      margin: 0.25em 0;
    }
    .mrz-line {
      font-family: 'OCR B', 'OCR-B', ui-monospace, monospace;
    }
    label {
      display: block;
      font-weight: 600;
    }
    @media (prefers-reduced-motion: no-preference) {
      .outline {
        transition: opacity 120ms linear;
      }
    }
  `,
];
