/** A fictional, valid foreigner record the examples hand to `<timpora-foreigner-form>`. */
import type { ForeignerRecord } from 'timpora-kit/sdk';

export function sampleRecord(): ForeignerRecord {
  const now = new Date();
  const iso = (years: number) => `${now.getFullYear() + years}-06-15`;
  return {
    id: 'example-0001',
    sourceAgency: 'imi-jakut',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 0,
    identity: { surname: 'ERIKSSON', givenNames: 'ANNA MARIA', sex: 'F', birthDate: '1974-08-12', nationality: 'NLD' },
    document: { type: 'passport', issuingState: 'NLD', number: 'NW8R4KL21', issueDate: iso(-2), expiryDate: iso(6) },
    findings: [],
    status: 'active',
  };
}

/** Surname inside the JSON value the form submits with a native `<form>`. */
export function surnameOf(formValue: FormDataEntryValue | null): string {
  if (typeof formValue !== 'string' || !formValue) return '';
  try {
    const parsed = JSON.parse(formValue) as { identity?: { surname?: string } };
    return parsed.identity?.surname ?? '';
  } catch {
    return '';
  }
}
