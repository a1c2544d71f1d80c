import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { validateRecord, validateAgency } from '../../../sdk/model/validate-record.ts';
import { hasErrors, isIsoDate, isIsoDateTime, isEmail, isPhone, addMonths, type ValidationIssue } from '../../../sdk/model/validation.ts';
import { isValidDocumentNumber, normalizeDocumentNumber, isNik, LIMITS } from '../../../sdk/model/rules.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests poke arbitrary JSON shapes into records
type Loose = any;

const NOW = new Date('2025-06-15T03:00:00Z'); // 10:00 WIB

function valid(): Record<string, unknown> {
  return {
    id: '5f0b6c1e-9a1b-4c53-8d6e-0f7a2b3c4d5e',
    sourceAgency: 'imi-jakut',
    createdAt: '2025-06-01T02:00:00.000Z',
    updatedAt: '2025-06-02T02:00:00.000Z',
    version: 2,
    identity: { surname: 'MÜLLER', givenNames: 'HANS PETER', sex: 'M', birthDate: '1980-02-29', nationality: 'D' },
    document: { type: 'passport', issuingState: 'D', number: 'C01X00T47', issueDate: '2020-01-10', expiryDate: '2030-01-09' },
    permit: { type: 'ITAS', number: '2C21JE1234-A', validFrom: '2025-01-01', validUntil: '2026-01-01', visaIndex: 'E33G' },
    sponsor: { kind: 'company', name: 'PT Maju Jaya', idNumber: '9120001234567', phone: '+62 21 5550123', email: 'hr@maju.co.id' },
    address: { street: 'Jl. Merdeka 1', rt: '003', rw: '07', region: { province: '31', regency: '31.71', district: '31.71.01', village: '31.71.01.1001' }, postalCode: '10110' },
    occupation: { title: 'Engineer', employer: 'PT Maju Jaya' },
    arrival: { date: '2025-01-05', checkpoint: 'CGK' },
    findings: [{ id: 'f1', date: '2025-06-01', agencyId: 'polda-metro', category: 'compliant', description: 'Checked' }],
    status: 'active',
  };
}

function codes(issues: ValidationIssue[]): string[] {
  return issues.map((i) => `${i.severity}:${i.code}@${i.path}`);
}

function withPatch(patch: (r: Record<string, Loose>) => void): ValidationIssue[] {
  const r: Record<string, Loose> = structuredClone(valid());
  patch(r);
  return validateRecord(r, { now: NOW, requireMeta: true });
}

function has(issues: ValidationIssue[], code: string, path: string, severity: 'error' | 'warning' = 'error'): void {
  assert.ok(
    issues.some((i) => i.code === code && i.path === path && i.severity === severity),
    `expected ${severity}:${code}@${path}, got ${JSON.stringify(codes(issues))}`,
  );
}

describe('validateRecord', () => {
  test('a complete valid record has no issues', () => {
    assert.deepEqual(codes(validateRecord(valid(), { now: NOW, requireMeta: true })), []);
  });

  test('non-objects are invalid_type at the root and never throw', () => {
    for (const v of [null, undefined, 42, 'x', [], true]) {
      const issues = validateRecord(v, { now: NOW });
      assert.deepEqual(codes(issues), ['error:invalid_type@']);
    }
  });

  test('required fields', () => {
    const issues = validateRecord({}, { now: NOW });
    for (const p of ['identity', 'document', 'findings', 'status']) has(issues, 'required', p);
    const inner = withPatch((r) => {
      r.identity = {};
      r.document = {};
    });
    for (const p of ['identity.surname', 'identity.sex', 'identity.birthDate', 'identity.nationality', 'document.type', 'document.issuingState', 'document.number', 'document.expiryDate']) {
      has(inner, 'required', p);
    }
    has(withPatch((r) => (r.identity.surname = '   ')), 'required', 'identity.surname');
  });

  test('meta is required only with requireMeta', () => {
    const r = valid();
    for (const k of ['id', 'sourceAgency', 'createdAt', 'updatedAt', 'version']) delete r[k];
    assert.equal(hasErrors(validateRecord(r, { now: NOW })), false);
    const issues = validateRecord(r, { now: NOW, requireMeta: true });
    for (const k of ['id', 'sourceAgency', 'createdAt', 'updatedAt', 'version']) has(issues, 'required', k);
  });

  test('partial mode skips absent fields but checks present ones', () => {
    assert.deepEqual(codes(validateRecord({ identity: { surname: 'X' } }, { now: NOW, partial: true })), []);
    has(validateRecord({ identity: { birthDate: '2023-02-29' } }, { now: NOW, partial: true }), 'invalid_date', 'identity.birthDate');
  });

  test('invalid_type for wrong JSON types', () => {
    has(withPatch((r) => (r.identity.surname = 12)), 'invalid_type', 'identity.surname');
    has(withPatch((r) => (r.findings = {})), 'invalid_type', 'findings');
    has(withPatch((r) => (r.document = 'x')), 'invalid_type', 'document');
    has(withPatch((r) => (r.version = '2')), 'invalid_type', 'version');
    has(withPatch((r) => (r.findings[0].restricted = 'yes')), 'invalid_type', 'findings.0.restricted');
  });

  test('too_long with limits in code points', () => {
    const issues = withPatch((r) => (r.identity.surname = 'A'.repeat(LIMITS.name + 1)));
    has(issues, 'too_long', 'identity.surname');
    assert.equal(issues.find((i) => i.code === 'too_long')?.params?.['max'], LIMITS.name);
    // 200 emoji are 400 UTF-16 units but 200 code points: accepted
    assert.equal(hasErrors(withPatch((r) => (r.identity.surname = '😀'.repeat(LIMITS.name)))), false);
  });

  test('invalid_enum', () => {
    has(withPatch((r) => (r.identity.sex = 'male')), 'invalid_enum', 'identity.sex');
    has(withPatch((r) => (r.status = 'deleted')), 'invalid_enum', 'status');
    has(withPatch((r) => (r.permit.type = 'KITAS')), 'invalid_enum', 'permit.type');
    has(withPatch((r) => (r.findings[0].category = 'bad')), 'invalid_enum', 'findings.0.category');
  });

  test('invalid_date: impossible dates and birth before 1900', () => {
    has(withPatch((r) => (r.identity.birthDate = '1981-02-29')), 'invalid_date', 'identity.birthDate');
    has(withPatch((r) => (r.document.expiryDate = '2030-13-01')), 'invalid_date', 'document.expiryDate');
    has(withPatch((r) => (r.document.expiryDate = '2030-1-1')), 'invalid_date', 'document.expiryDate');
    has(withPatch((r) => (r.identity.birthDate = '1850-01-01')), 'invalid_date', 'identity.birthDate');
    has(withPatch((r) => (r.createdAt = '2025-06-01')), 'invalid_date', 'createdAt');
  });

  test('date_in_future', () => {
    has(withPatch((r) => (r.identity.birthDate = '2025-06-16')), 'date_in_future', 'identity.birthDate');
    has(withPatch((r) => (r.document.issueDate = '2025-07-01')), 'date_in_future', 'document.issueDate');
    has(withPatch((r) => (r.arrival.date = '2025-06-16')), 'date_in_future', 'arrival.date');
    has(withPatch((r) => (r.findings[0].date = '2026-01-01')), 'date_in_future', 'findings.0.date');
  });

  test('"today" is computed in WIB: 2025-06-15T20:00Z is already the 16th in Jakarta', () => {
    const late = new Date('2025-06-15T20:00:00Z');
    const r = structuredClone(valid()) as Record<string, Loose>;
    r.arrival.date = '2025-06-16';
    assert.equal(validateRecord(r, { now: late }).some((i) => i.code === 'date_in_future'), false);
    assert.equal(validateRecord(r, { now: late, timeZone: 'UTC' }).some((i) => i.code === 'date_in_future'), true);
  });

  test('date_order: birth <= issue < expiry, permit from <= until, birth <= arrival', () => {
    has(withPatch((r) => (r.document.issueDate = '1979-01-01')), 'date_order', 'document.issueDate');
    has(withPatch((r) => (r.document.expiryDate = '2020-01-10')), 'date_order', 'document.expiryDate');
    has(withPatch((r) => ((r.permit.validFrom = '2025-05-01'), (r.permit.validUntil = '2025-04-01'))), 'date_order', 'permit.validUntil');
    has(withPatch((r) => (r.arrival.date = '1979-12-31')), 'date_order', 'arrival.date');
    has(withPatch((r) => (r.updatedAt = '2025-05-01T00:00:00Z')), 'date_order', 'updatedAt');
  });

  test('document_expired and document_expiring are warnings', () => {
    const expired = withPatch((r) => (r.document.expiryDate = '2025-06-14'));
    has(expired, 'document_expired', 'document.expiryDate', 'warning');
    assert.equal(hasErrors(expired), false);
    const soon = withPatch((r) => (r.document.expiryDate = '2025-12-14'));
    has(soon, 'document_expiring', 'document.expiryDate', 'warning');
    assert.equal(soon.find((i) => i.code === 'document_expiring')?.params?.['days'], 182);
    const fine = withPatch((r) => (r.document.expiryDate = '2025-12-15'));
    assert.equal(fine.some((i) => i.code.startsWith('document_')), false);
  });

  test('permit_expired (overstay), permit_expiring, permit_not_started', () => {
    const over = withPatch((r) => (r.permit.validUntil = '2025-06-14'));
    has(over, 'permit_expired', 'permit.validUntil', 'warning');
    assert.equal(over.find((i) => i.code === 'permit_expired')?.params?.['days'], 1);
    has(withPatch((r) => (r.permit.validUntil = '2025-07-10')), 'permit_expiring', 'permit.validUntil', 'warning');
    has(withPatch((r) => ((r.permit.validFrom = '2025-07-01'), (r.permit.validUntil = '2026-07-01'))), 'permit_not_started', 'permit.validFrom', 'warning');
  });

  test('invalid_country for nationality and issuing state', () => {
    has(withPatch((r) => (r.identity.nationality = 'XYZ')), 'invalid_country', 'identity.nationality');
    has(withPatch((r) => (r.document.issuingState = 'ZZZ')), 'invalid_country', 'document.issuingState');
    assert.equal(hasErrors(withPatch((r) => (r.identity.nationality = 'UNO'))), false);
  });

  test('invalid_document_number per issuing state', () => {
    const idn = (n: string): ValidationIssue[] =>
      withPatch((r) => {
        r.document.issuingState = 'IDN';
        r.document.number = n;
      });
    assert.equal(hasErrors(idn('A1234567')), false);
    has(idn('12345678'), 'invalid_document_number', 'document.number');
    const usa = (n: string): ValidationIssue[] =>
      withPatch((r) => {
        r.document.issuingState = 'USA';
        r.document.number = n;
      });
    assert.equal(hasErrors(usa('123456789')), false);
    has(usa('AB1234567'), 'invalid_document_number', 'document.number');
    // generic ICAO rule for states without a table entry
    const fra = withPatch((r) => ((r.document.issuingState = 'BRA'), (r.document.number = 'FZ1234567890')));
    has(fra, 'invalid_document_number', 'document.number');
    // ID cards may carry long numbers (TD1)
    assert.equal(hasErrors(withPatch((r) => ((r.document.type = 'id_card'), (r.document.issuingState = 'BRA'), (r.document.number = 'FZ1234567890')))), false);
    assert.equal(isValidDocumentNumber('a 123-4567', 'IDN'), true);
    assert.equal(normalizeDocumentNumber(' c01x<00t47 '), 'C01X00T47');
  });

  test('invalid_region: shape, unknown province, hierarchy', () => {
    has(withPatch((r) => (r.address.region = { province: '3' })), 'invalid_region', 'address.region.province');
    has(withPatch((r) => (r.address.region = { province: '99' })), 'invalid_region', 'address.region.province');
    has(withPatch((r) => (r.address.region = { province: '31', regency: '32.71' })), 'invalid_region', 'address.region.regency');
    has(withPatch((r) => (r.address.region = { province: '31', regency: '31.71', district: '31.72.01' })), 'invalid_region', 'address.region.district');
    has(withPatch((r) => (r.address.region = { province: '31', regency: '31.71', village: '31.71.01.1001' })), 'invalid_region', 'address.region.village');
    has(withPatch((r) => (r.address.region = { province: '31', regency: '31.71', district: '31.71.01', village: '31.71.01.3001' })), 'invalid_region', 'address.region.village');
    has(withPatch((r) => (r.address.region = undefined)), 'required', 'address.region');
    assert.equal(hasErrors(withPatch((r) => (r.address.region = { province: '51', regency: '51.03' }))), false);
  });

  test('email, phone, NIK, postal code, visa index, permit number', () => {
    has(withPatch((r) => (r.sponsor.email = 'not-an-email')), 'invalid_email', 'sponsor.email');
    has(withPatch((r) => (r.sponsor.phone = '12')), 'invalid_phone', 'sponsor.phone');
    has(withPatch((r) => (r.sponsor.phone = '0812-ABC')), 'invalid_phone', 'sponsor.phone');
    has(withPatch((r) => ((r.sponsor.kind = 'person'), (r.sponsor.idNumber = '1234'))), 'invalid_nik', 'sponsor.idNumber');
    assert.equal(hasErrors(withPatch((r) => ((r.sponsor.kind = 'person'), (r.sponsor.idNumber = '3171014502800001')))), false);
    has(withPatch((r) => (r.sponsor.idNumber = '12')), 'invalid_format', 'sponsor.idNumber');
    has(withPatch((r) => (r.address.postalCode = '0123')), 'invalid_postal_code', 'address.postalCode');
    has(withPatch((r) => (r.permit.visaIndex = 'e33g')), 'invalid_visa_index', 'permit.visaIndex');
    has(withPatch((r) => (r.permit.number = '#1')), 'invalid_permit_number', 'permit.number');
    has(withPatch((r) => (r.address.rt = 'abc')), 'invalid_format', 'address.rt');
  });

  test('ids, version, duplicate findings, photo, mrz, unknown fields', () => {
    has(withPatch((r) => (r.id = 'has space')), 'invalid_id', 'id');
    has(withPatch((r) => (r.version = -1)), 'invalid_version', 'version');
    has(withPatch((r) => (r.version = 1.5)), 'invalid_version', 'version');
    has(withPatch((r) => r.findings.push({ ...r.findings[0] })), 'duplicate', 'findings.1.id');
    has(withPatch((r) => (r.photo = 'javascript:alert(1)')), 'invalid_format', 'photo');
    assert.equal(hasErrors(withPatch((r) => (r.photo = 'data:image/jpeg;base64,/9j/4AAQ'))), false);
    has(withPatch((r) => (r.mrz = { fields: ['identity.surname'], edited: [], lines: ['<script>'] })), 'invalid_format', 'mrz.lines.0');
    has(withPatch((r) => (r.mrz = { fields: 'x', edited: [] })), 'invalid_type', 'mrz.fields');
    const unknown = withPatch((r) => (r.evil = '<script>'));
    has(unknown, 'unknown_field', 'evil', 'warning');
    assert.equal(hasErrors(unknown), false);
    has(withPatch((r) => (r.findings = Array.from({ length: LIMITS.findings + 1 }, (_, i) => ({ ...r.findings[0], id: `f${i}` })))), 'too_many', 'findings');
  });

  test('issues carry no prose', () => {
    const issues = withPatch((r) => {
      r.identity.sex = 'Q';
      r.document.expiryDate = '2001-01-01';
    });
    for (const i of issues) {
      assert.match(i.code, /^[a-z_]+$/);
      for (const v of Object.values(i.params ?? {})) assert.ok(typeof v === 'number' || /^[A-Za-z0-9_.|]+$/.test(v), `param ${v}`);
    }
  });
});

describe('validateAgency', () => {
  const agency = { id: 'imi-jakut', sourceAgency: 'imi-jakut', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z', version: 1, name: 'Kantor Imigrasi Jakarta Utara', kind: 'immigration', region: { province: '31', regency: '31.72' }, contact: { email: 'info@imigrasi.go.id', phone: '(021) 500-123' } };
  test('valid agency', () => assert.deepEqual(validateAgency(agency, { requireMeta: true }), []));
  test('rules', () => {
    has(validateAgency({ ...agency, name: '' }), 'required', 'name');
    has(validateAgency({ ...agency, kind: 'army' }), 'invalid_enum', 'kind');
    has(validateAgency({ ...agency, parentId: 'imi-jakut' }), 'invalid_id', 'parentId');
    has(validateAgency({ ...agency, contact: { email: 'x@' } }), 'invalid_email', 'contact.email');
    has(validateAgency({ ...agency, contact: { phone: '++62' } }), 'invalid_phone', 'contact.phone');
    has(validateAgency({ ...agency, region: { province: '31', regency: '51.71' } }), 'invalid_region', 'region.regency');
    has(validateAgency('x'), 'invalid_type', '');
  });
});

describe('helpers', () => {
  test('dates', () => {
    assert.equal(isIsoDate('2024-02-29'), true);
    assert.equal(isIsoDate('2100-02-29'), false);
    assert.equal(isIsoDate('2000-02-29'), true);
    assert.equal(isIsoDate('2024-04-31'), false);
    assert.equal(isIsoDateTime('2024-01-01T24:00:00Z'), false);
    assert.equal(isIsoDateTime('2024-01-01T23:59:59.123+07:00'), true);
    assert.equal(addMonths('2024-08-31', 6), '2025-02-28');
    assert.equal(addMonths('2024-01-31', -2), '2023-11-30');
  });
  test('email and phone', () => {
    assert.equal(isEmail('a.b+c@d-e.co.id'), true);
    assert.equal(isEmail('a@b'), false);
    assert.equal(isPhone('+62 812-3456-7890'), true);
    assert.equal(isPhone('62+812345678'), false);
    assert.equal(isPhone('1234567890123456'), false);
  });
  test('NIK', () => {
    assert.equal(isNik('3171014502800001'), true);
    assert.equal(isNik('9971014502800001'), false);
    assert.equal(isNik('3171019902800001'), false);
  });
});
