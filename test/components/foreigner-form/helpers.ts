// Test helpers for <timpora-foreigner-form>: a real SDK client on a throwaway IndexedDB database, a wrapper
// that makes saving fail like a broken store, and DOM helpers that type into the shadow root like a person.
import { createTimporaClient, type TimporaClient } from '../../../sdk/client.ts';
import type { ForeignerFormClient, TimporaForeignerForm } from '../../../components/foreigner-form/foreigner-form.ts';
import { StoreError } from '../../../sdk/store/errors.ts';

let n = 0;
/** A real client on a fresh database. */
export function newClient(): { client: TimporaClient; db: string } {
  const db = `ff-${Date.now().toString(36)}-${++n}-${Math.random().toString(36).slice(2, 7)}`;
  return { client: createTimporaClient({ dbName: db, agencyId: 'imi-test', now: () => new Date('2025-06-01T03:00:00Z') }), db };
}

export async function dropClient(c: { client: TimporaClient; db: string }): Promise<void> {
  await c.client.close().catch(() => undefined);
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(c.db);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
}

/** The real client, except that `records.put` rejects (as a store that lost its connection would). */
export function failingPuts(client: TimporaClient, error = new StoreError('connection_lost', 'test: connection lost')): ForeignerFormClient & { attempts: number } {
  const wrapper = {
    attempts: 0,
    records: {
      put: async (): Promise<never> => {
        wrapper.attempts++;
        throw error;
      },
      findByDocument: client.records.findByDocument.bind(client.records),
      searchByName: client.records.searchByName.bind(client.records),
    },
    drafts: client.drafts,
  };
  return wrapper as unknown as ForeignerFormClient & { attempts: number };
}

export function q<T extends Element = HTMLElement>(el: TimporaForeignerForm, selector: string): T {
  const found = el.shadowRoot!.querySelector<T>(selector);
  if (!found) throw new Error(`not found: ${selector}`);
  return found;
}

export function qa<T extends Element = HTMLElement>(el: TimporaForeignerForm, selector: string): T[] {
  return [...el.shadowRoot!.querySelectorAll<T>(selector)];
}

/** Types into an input/textarea like a person: value, input event, then change (as on leaving the field). */
export async function type(el: TimporaForeignerForm, id: string, value: string): Promise<void> {
  const input = q<HTMLInputElement>(el, `#${id}`);
  input.focus();
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

export async function choose(el: TimporaForeignerForm, id: string, value: string): Promise<void> {
  const select = q<HTMLSelectElement>(el, `#${id}`);
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await el.updateComplete;
}

export async function typeDate(el: TimporaForeignerForm, id: string, d: string, m: string, y: string): Promise<void> {
  for (const [part, v] of [['day', d], ['month', m], ['year', y]] as const) {
    const input = q<HTMLInputElement>(el, `#${id}-${part}`);
    input.value = v;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  }
  q<HTMLInputElement>(el, `#${id}-year`).dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true, relatedTarget: null }));
  await el.updateComplete;
}

/** Fills every required field with valid values (reference date 2025-06-01). */
export async function fillValid(el: TimporaForeignerForm): Promise<void> {
  await type(el, 'f-identity-surname', 'SMITH');
  await type(el, 'f-identity-givenNames', 'JOHN PAUL');
  q<HTMLInputElement>(el, '#f-identity-sex').click();
  await el.updateComplete;
  await typeDate(el, 'f-identity-birthDate', '7', '3', '1980');
  await type(el, 'f-identity-nationality', 'GBR');
  q<HTMLInputElement>(el, '#f-identity-nationality').dispatchEvent(new FocusEvent('blur'));
  await type(el, 'f-document-issuingState', 'GBR');
  q<HTMLInputElement>(el, '#f-document-issuingState').dispatchEvent(new FocusEvent('blur'));
  await type(el, 'f-document-number', '123456789');
  await typeDate(el, 'f-document-issueDate', '1', '2', '2020');
  await typeDate(el, 'f-document-expiryDate', '1', '2', '2030');
  await el.updateComplete;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `cond()` holds (re-rendering `el` in between), failing after `timeout` ms. */
export async function until(el: TimporaForeignerForm, cond: () => boolean, timeout = 5000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await sleep(25);
    await el.updateComplete;
  }
}
