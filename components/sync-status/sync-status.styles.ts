import { css } from 'lit';
import { tokens } from '../shared/tokens.ts';

export const styles = [
  tokens,
  css`
    :host {
      display: inline-block;
      --_idle: var(--timpora-sync-status-idle-color, var(--_success));
      --_pending: var(--timpora-sync-status-pending-color, var(--_primary));
      --_offline: var(--timpora-sync-status-offline-color, var(--_on-surface-variant));
      --_error: var(--timpora-sync-status-error-color, var(--timpora-sys-color-error, #b3261e));
      --_bg: var(--timpora-sync-status-background, var(--_surface));
    }
    [part='base'] {
      display: inline-flex;
      align-items: center;
      flex-wrap: wrap;
      gap: calc(var(--_space) * 0.75);
      padding: calc(var(--_space) * 0.5) var(--_space);
      border: 1px solid var(--_outline-variant);
      border-radius: 999px;
      background: var(--_bg);
      color: var(--_on-surface);
      line-height: 1.3;
      font-size: 0.875em;
    }
    [part='indicator'] {
      inline-size: 0.9em;
      block-size: 0.9em;
      flex: none;
      color: var(--_idle);
    }
    :host([state='pending']) [part='indicator'],
    :host([state='syncing']) [part='indicator'] {
      color: var(--_pending);
    }
    :host([state='offline']) [part='indicator'] {
      color: var(--_offline);
    }
    :host([state='error']) [part='indicator'] {
      color: var(--_error);
    }
    :host([state='syncing']) [part='indicator'] {
      animation: spin 1.2s linear infinite;
    }
    @media (prefers-reduced-motion: reduce) {
      :host([state='syncing']) [part='indicator'] {
        animation: none;
      }
    }
    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }
    [part='label'] {
      font-weight: 600;
    }
    [part='details'] {
      color: var(--_on-surface-variant);
    }
    [part='details'] span + span::before {
      content: ' · ';
    }
    [part='message'] {
      flex-basis: 100%;
      color: var(--_on-surface-variant);
    }
    :host([state='error']) [part='message'] {
      color: var(--_error);
    }
    button {
      font: inherit;
      min-block-size: 24px;
      min-inline-size: 24px;
      padding: 2px calc(var(--_space) * 0.75);
      border: 1px solid var(--_outline);
      border-radius: var(--_radius);
      background: var(--_surface);
      color: var(--_primary);
      cursor: pointer;
    }
    button:disabled {
      cursor: not-allowed;
      color: var(--_on-surface-variant);
      border-color: var(--_outline-variant);
    }
    :host([compact]) [part='details'],
    :host([compact]) [part='message'],
    :host([compact]) [part='sync-button'] {
      display: none;
    }
  `,
];
