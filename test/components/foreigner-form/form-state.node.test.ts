import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  emptyState,
  partsToIso,
  isoToParts,
  toRecordInput,
  fromRecord,
  parseState,
  applyMrz,
  recordEdit,
  isPristine,
  documentTypeFromCode,
} from '../../../components/foreigner-form/form-state.ts';
import { mrzDoubtLines } from '../../../components/shared/mrz-doubts.ts';
import { messages, validationMessage, fieldLabel } from '../../../components/foreigner-form/messages.ts';
import { validateRecord } from '../../../sdk/model/validate-record.ts';
import type { MrzResult } from '../../../sdk/mrz/types.ts';
import type { ForeignerRecord } from '../../../sdk/model/types.ts';

const NOW = new Date('2025-06-01T03:00:00Z');

test('date parts: empty -> undefined, digits padded, anything else passed through for the validator', () => {
  assert.equal(partsToIso({ day: '', month: ' ', year: '' }), undefined);
  assert.equal(partsToIso({ day: '7', month: '3', year: '1980' }), '1980-03-07');
  assert.equal(partsToIso({ day: '31', month: '2', year: '2024' }), '2024-02-31');
  assert.equal(partsToIso({ day: '1', month: '', year: '2024' }), '2024--01');
  assert.deepEqual(isoToParts('2024-03-07'), { day: '7', month: '3', year: '2024' });
  assert.deepEqual(isoToParts('garbage'), { day: '', month: '', year: '' });
  // The validator, not the form, decides: impossible and partial dates are invalid_date.
  const s = emptyState();
  s.dates['identity.birthDate'] = { day: '31', month: '2', year: '2024' };
  assert.ok(validateRecord(toRecordInput(s), { now: NOW }).some((i) => i.code === 'invalid_date' && i.path === 'identity.birthDate'));
  s.dates['identity.birthDate'] = { day: '', month: '2', year: '2024' };
  assert.ok(validateRecord(toRecordInput(s), { now: NOW }).some((i) => i.code === 'invalid_date' && i.path === 'identity.birthDate'));
});

test('optional sections are left out until used; once used, their required fields are reported', () => {
  const s = emptyState();
  const input = toRecordInput(s);
  assert.equal(input['permit'], undefined);
  assert.equal(input['address'], undefined);
  s.text['permit.visaIndex'] = 'c312';
  const withPermit = toRecordInput(s);
  assert.deepEqual(withPermit['permit'], { visaIndex: 'C312' });
  const issues = validateRecord(withPermit, { now: NOW });
  for (const p of ['permit.type', 'permit.number', 'permit.validFrom', 'permit.validUntil']) {
    assert.ok(issues.some((i) => i.code === 'required' && i.path === p), p);
  }
});

test('normalisation on the way to the record only: document number and state codes', () => {
  const s = emptyState();
  s.text['document.number'] = ' ab 123-456 ';
  s.text['document.issuingState'] = 'd<<';
  s.text['identity.surname'] = '  Müller ';
  const input = toRecordInput(s) as { document: Record<string, string>; identity: Record<string, string> };
  assert.equal(input.document['number'], 'AB123456');
  assert.equal(input.document['issuingState'], 'D');
  assert.equal(input.identity['surname'], 'Müller');
  assert.equal(s.text['document.number'], ' ab 123-456 ', 'raw state untouched');
});

test('record -> state -> record round trip keeps meta and values', () => {
  const record: ForeignerRecord = {
    id: 'r1', sourceAgency: 'imi-jakut', createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-02T00:00:00.000Z', version: 3,
    identity: { surname: 'LEE', givenNames: 'MIN', sex: 'F', birthDate: '1990-05-06', nationality: 'KOR' },
    document: { type: 'passport', issuingState: 'KOR', number: 'M12345678', expiryDate: '2030-01-01' },
    address: { street: 'Jl. Sudirman 1', region: { province: '31', regency: '31.71' } },
    findings: [{ id: 'f1', date: '2025-02-03', agencyId: 'imi-jakut', category: 'compliant', description: 'ok' }],
    status: 'active',
    restrictedNotes: 'secret',
  };
  const back = toRecordInput(fromRecord(record));
  assert.deepEqual(back, { ...record });
});

test('parseState survives corrupted drafts', () => {
  assert.equal(parseState('not json'), null);
  assert.equal(parseState({ v: 2 }), null);
  const s = parseState({ v: 1, text: { 'identity.surname': 42, 'identity.givenNames': 'ok', evil: 'x' }, dates: { 'identity.birthDate': { day: 1 } }, findings: [null, { id: 'a', date: 'x' }], mrz: { fields: ['identity.surname', 3], edited: 'no' } });
  assert.ok(s);
  assert.equal(s.text['identity.surname'], '');
  assert.equal(s.text['identity.givenNames'], 'ok');
  assert.deepEqual(s.dates['identity.birthDate'], { day: '', month: '', year: '' });
  assert.equal(s.findings.length, 1);
  assert.equal(s.mrz, null);
  assert.ok(!('evil' in s.text));
});

test('MRZ prefill fills identity + document and records edits once', () => {
  const result: MrzResult = {
    format: 'TD1',
    lines: ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'],
    fields: { documentCode: 'I', issuingState: 'UTO', documentNumber: 'D23145890', nationality: 'UTO', surname: 'ERIKSSON', givenNames: 'ANNA MARIA', sex: 'F', birthDate: '1974-08-12', expiryDate: null, optional1: '', optional2: '' },
    checks: {}, valid: true, confidence: 1, corrections: [], doubts: [],
  };
  const { state, filled } = applyMrz(emptyState(), result, NOW);
  assert.equal(state.text['document.type'], 'id_card');
  assert.equal(state.text['identity.sex'], 'F');
  assert.ok(!filled.includes('document.expiryDate'), 'null dates are not filled');
  assert.deepEqual(state.mrz?.edited, []);
  assert.equal(state.mrz?.readAt, NOW.toISOString());
  recordEdit(state, 'identity.surname');
  recordEdit(state, 'identity.surname');
  recordEdit(state, 'notes');
  assert.deepEqual(state.mrz?.edited, ['identity.surname']);
  assert.equal(documentTypeFromCode('V'), 'visa');
  assert.equal(documentTypeFromCode('PO'), 'passport');
  assert.equal(documentTypeFromCode('X'), 'other');
  assert.equal(isPristine(emptyState()), true);
  assert.equal(isPristine(state), false);
});

test('MRZ doubts: grouped per line in reading order; positions outside the lines and malformed entries dropped', () => {
  const lines = ['P<GBRSMITH<<JOHN<<<<<<<<<<<<<<<<<<<<<<<<<<<<', '1234567890GBR8003077M3002012<<<<<<<<<<<<<<02'];
  assert.deepEqual(mrzDoubtLines({ lines, doubts: [[1, 20], [0, 8], [0, 0], [0, 8], [2, 1], [0, 44], [0, -1], [0, 1.5], 'x', [1]] }), [
    { line: 1, text: lines[0], columns: [0, 8] },
    { line: 2, text: lines[1], columns: [20] },
  ]);
  assert.deepEqual(mrzDoubtLines({ lines, doubts: [] }), []);
  assert.deepEqual(mrzDoubtLines({ lines }), [], 'a sender without doubts');
  assert.deepEqual(mrzDoubtLines({ lines, doubts: 'nope' }), []);
});

test('every validation code in sdk/model has wording in both languages', () => {
  const src = readFileSync(new URL('../../../sdk/model/validation.ts', import.meta.url), 'utf8');
  const union = src.slice(src.indexOf('export type ValidationCode'), src.indexOf(';', src.indexOf('export type ValidationCode')));
  const codes = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]!);
  assert.ok(codes.length > 20);
  for (const code of codes) {
    for (const lang of ['id', 'en'] as const) {
      const text = (messages[lang] as Record<string, unknown>)[`v.${code}`];
      assert.equal(typeof text, 'string', `${lang} v.${code}`);
      const shown = validationMessage(lang, { code: code as never, path: 'identity.surname', severity: 'error', params: { max: 5, min: 1, days: 3, after: 'identity.birthDate' } });
      assert.ok(!/\{\w+\}/.test(shown), `unfilled placeholder in ${lang} v.${code}: ${shown}`);
    }
  }
  assert.deepEqual(Object.keys(messages.en).sort(), Object.keys(messages.id).sort());
  assert.equal(fieldLabel('en', 'findings.1.description'), 'Finding 2: Description');
  assert.equal(fieldLabel('id', 'address.region'), 'Provinsi');
  assert.equal(fieldLabel('en', 'sponsor'), 'Sponsor');
});
