// Shared fixtures for the store/client browser tests.
import type { NewRecordInput } from '../../../sdk/model/factory.ts';

let n = 0;

/** A unique database name per test, so tests never see each other's data. */
export function uniqueDb(prefix = 'test'): string {
  n++;
  return `${prefix}-${Date.now().toString(36)}-${n}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A valid record input (no meta fields). */
export function recordInput(over: Partial<Record<string, unknown>> & { surname?: string; givenNames?: string; number?: string; state?: string } = {}): NewRecordInput {
  const { surname, givenNames, number, state, ...rest } = over;
  return {
    identity: { surname: surname ?? 'SMITH', givenNames: givenNames ?? 'JOHN', sex: 'M', birthDate: '1985-04-12', nationality: 'GBR' },
    document: { type: 'passport', issuingState: state ?? 'GBR', number: number ?? '123456789', issueDate: '2020-01-01', expiryDate: '2030-01-01' },
    ...rest,
  } as NewRecordInput;
}

/** Deletes a database, ignoring failures. */
export async function dropDb(name: string): Promise<void> {
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits until `cond()` is true (polling), failing after `timeout` ms. */
export async function until(cond: () => boolean, timeout = 3000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeout) throw new Error('condition not met in time');
    await sleep(10);
  }
}
