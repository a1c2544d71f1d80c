import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeCheckDigit } from '../../../sdk/mrz/checkdigit.ts';
import { MrzParseError, packageChecks, parseMrz, resolveMrzDate, safeParseMrz } from '../../../sdk/mrz/parse.ts';
import { breaksOwnRules, checksPassWith, failsOwnChecks, isOffStandard } from '../../../sdk/mrz/interpret.ts';
import { LAYOUTS } from '../../../sdk/mrz/formats.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const samples = resolve(repoRoot, '../shared/mrz-samples');
const haveSamples = existsSync(resolve(samples, 'ground-truth.json'));
const NOW = new Date('2026-06-01T00:00:00Z');

function readSample(name: string): string {
  return readFileSync(resolve(samples, 'ultimatemrz/samples', name), 'utf8');
}

/** The ultimateMRZ sample files hold the lines concatenated without newlines. */
function splitSample(text: string, lineLength: number): string[] {
  const t = text.trim();
  return t.match(new RegExp(`.{${lineLength}}`, 'g')) ?? [];
}

test('ICAO specimens of every format parse valid with the right fields', { skip: !haveSamples && 'shared samples missing' }, () => {
  const td3 = parseMrz(splitSample(readSample('td3.txt'), 44), { now: NOW });
  assert.equal(td3.format, 'TD3');
  assert.equal(td3.valid, true);
  assert.deepEqual(td3.fields, {
    documentCode: 'P', issuingState: 'UTO', documentNumber: 'L898902C3', nationality: 'UTO', surname: 'ERIKSSON',
    givenNames: 'ANNA MARIA', sex: 'F', birthDate: '1974-08-12', expiryDate: '2012-04-15', optional1: '', optional2: 'ZE184226B',
  });
  assert.deepEqual(td3.checks, { documentNumber: true, birthDate: true, expiryDate: true, personalNumber: true, composite: true });
  assert.equal(td3.confidence, 1);
  assert.deepEqual(td3.corrections, []);

  const td2 = parseMrz(splitSample(readSample('td2.txt'), 36), { now: NOW });
  assert.equal(td2.format, 'TD2');
  assert.equal(td2.valid, true);
  assert.equal(td2.fields.documentNumber, 'D23145890');
  assert.equal(td2.fields.documentCode, 'I');

  const td1 = parseMrz(splitSample(readSample('td1.txt'), 30), { now: NOW });
  assert.equal(td1.format, 'TD1');
  assert.equal(td1.valid, true);
  assert.equal(td1.fields.documentNumber, 'D23145890');
  assert.equal(td1.fields.surname, 'ERIKSSON');
  assert.equal(td1.checks.composite, true);

  const mrva = parseMrz(splitSample(readSample('mrva.txt'), 44), { now: NOW });
  assert.equal(mrva.format, 'MRVA');
  assert.equal(mrva.valid, true);
  assert.equal(mrva.fields.documentNumber, 'L8988901C');
  assert.equal(mrva.fields.nationality, 'XXX');
  assert.equal(mrva.fields.optional2, '6ZE184226B'); // MRV-A has 16 optional characters and no personal-number digit
  assert.deepEqual(Object.keys(mrva.checks).sort(), ['birthDate', 'documentNumber', 'expiryDate']);

  const mrvb = parseMrz(splitSample(readSample('mrvb.txt'), 36), { now: NOW });
  assert.equal(mrvb.format, 'MRVB');
  assert.equal(mrvb.valid, true);
  assert.equal(mrvb.fields.givenNames, 'ANNA MARIA');
});

test('every ground-truth MRZ of the shared samples: check digits pass; valid except documented exceptions', { skip: !haveSamples && 'shared samples missing' }, () => {
  const gt = JSON.parse(readFileSync(resolve(samples, 'ground-truth.json'), 'utf8')) as Record<string, { mrz?: string[] | null } | string>;
  // Not valid by design: nationality "132" is no state code (ROU variant). (The French national ID
  // card, mrz-detection/id1.jpg, reads valid as FRA_ID.)
  const expectedInvalid = new Set(['passporteye/testdata/100_id-rou.jpg']);
  let n = 0;
  for (const [name, entry] of Object.entries(gt)) {
    if (typeof entry !== 'object' || !entry.mrz) continue;
    n++;
    const r = parseMrz(entry.mrz, { now: NOW });
    if (expectedInvalid.has(name)) {
      assert.equal(r.valid, false, name);
      continue;
    }
    assert.equal(r.valid, true, `${name}: ${JSON.stringify(r.checks)}`);
    assert.ok(Object.values(r.checks).every(Boolean), name);
  }
  assert.ok(n >= 20, `expected at least 20 transcribed samples, got ${n}`);
  // ROU: every check digit passes, only the nationality fails.
  const rou = gt['passporteye/testdata/100_id-rou.jpg'] as { mrz: string[] };
  const r = parseMrz(rou.mrz, { now: NOW });
  assert.ok(Object.values(r.checks).every(Boolean));
  assert.equal(r.fields.nationality, '132');
});

test('breaksOwnRules and isOffStandard: a failing check digit, or passing ones around a state code that is none (off the standard); not a specimen refused by option, nor a read refused for its confidence', () => {
  const specimen = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
  const misprinted = parseMrz([specimen[0]!, specimen[1]!.replace('L898902C36', 'L898902C37')]);
  assert.deepEqual([misprinted.valid, failsOwnChecks(misprinted), isOffStandard(misprinted), breaksOwnRules(misprinted)], [false, true, false, true]);
  const rou = parseMrz(['IDROUSAVA<<SUPERMAN<<<<<<<<<<<<<<<<<', 'HD198025<51328505095M130509012049941']);
  assert.deepEqual([rou.valid, failsOwnChecks(rou), isOffStandard(rou), breaksOwnRules(rou)], [false, false, true, true]);
  const unknownState = parseMrz([specimen[0]!.replace('UTO', 'QQQ'), specimen[1]!.replace('UTO', 'QQQ')]);
  assert.deepEqual([unknownState.valid, isOffStandard(unknownState), breaksOwnRules(unknownState)], [false, true, true]);
  const refusedSpecimen = parseMrz(specimen, { allowSpecimen: false });
  assert.deepEqual([refusedSpecimen.valid, isOffStandard(refusedSpecimen), breaksOwnRules(refusedSpecimen)], [false, false, false]);
  const unsure = { ...parseMrz(specimen), valid: false, confidence: 0.4 };
  assert.deepEqual([isOffStandard(unsure), breaksOwnRules(unsure)], [false, false]);
  assert.equal(breaksOwnRules(parseMrz(specimen)), false);
});

const FRA = ['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '9409923102854CORINNE<<<<<<<6512068F4'];

/** A French identity card MRZ with its three check digits computed. */
function frenchCard(surname: string, admin: string, number: string, given: string, birth: string, sex: string): string[] {
  const l1 = `IDFRA${surname.padEnd(25, '<')}${admin.padEnd(6, '<')}`;
  const head = `${number}${computeCheckDigit(number)}${given.padEnd(14, '<')}${birth}${computeCheckDigit(birth)}${sex}`;
  return [l1, `${head}${computeCheckDigit(l1 + head)}`];
}

test('checksPassWith: O for 0 at weights 7 and 3 of a document number goes unseen by every check digit; one alone does not', () => {
  const doc = 'X81002345'; // its 0s at weights 7 and 3: O (24) for both adds 168 + 72 = 240
  const body = `${doc}${computeCheckDigit(doc)}UTO7408122F1204159ZE184226B<<<<<1`;
  const line2 = body + computeCheckDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  const lines = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', line2];
  const td3 = LAYOUTS.TD3;
  assert.equal(checksPassWith(td3, lines), true);
  assert.equal(checksPassWith(td3, lines, [{ l: 1, c: 3, twin: 'O' }]), false);
  assert.equal(checksPassWith(td3, lines, [{ l: 1, c: 4, twin: 'O' }]), false);
  assert.equal(checksPassWith(td3, lines, [{ l: 1, c: 3, twin: 'O' }, { l: 1, c: 4, twin: 'O' }]), true);
  assert.equal(checksPassWith(td3, lines, [{ l: 1, c: 14, twin: '1' }]), false, 'a birth date digit is seen');
  assert.equal(lines[1], line2, 'the lines are not changed');
  assert.equal(checksPassWith(td3, lines, [{ l: 5, c: 3, twin: 'O' }, { l: 1, c: 99, twin: 'O' }]), true, 'swaps outside the lines are ignored');
});

test('French national identity card (FRA_ID, 2x36 starting IDFRA): valid with its fields, nationality FRA, no expiry', () => {
  const r = parseMrz(FRA, { now: NOW });
  assert.equal(r.format, 'FRA_ID');
  assert.equal(r.valid, true);
  assert.deepEqual(r.fields, {
    documentCode: 'ID', issuingState: 'FRA', documentNumber: '940992310285', nationality: 'FRA', surname: 'BERTHIER',
    givenNames: 'CORINNE', sex: 'F', birthDate: '1965-12-06', expiryDate: null, optional1: '', optional2: '',
  });
  assert.deepEqual(r.checks, { documentNumber: true, birthDate: true, composite: true });
  // One run of 72 characters splits the same way.
  assert.deepEqual(parseMrz(FRA.join(''), { now: NOW }).fields, r.fields);
  // Compound surname, given names separated by `<<`, an administrative code.
  const c = parseMrz(frenchCard('DUPONT<DURAND', '931042', '880692310285', 'JEAN<<PIERRE', '500101', 'M'), { now: NOW });
  assert.equal(c.format, 'FRA_ID');
  assert.equal(c.valid, true, JSON.stringify(c.checks));
  assert.equal(c.fields.surname, 'DUPONT DURAND');
  assert.equal(c.fields.givenNames, 'JEAN PIERRE');
  assert.equal(c.fields.optional1, '931042');
  assert.equal(c.fields.sex, 'M');
});

test('French identity card: a wrong check digit gives valid false, and our verdicts agree with the mrz package', () => {
  const wrongComposite = [FRA[0] as string, (FRA[1] as string).slice(0, 35) + '5'];
  const a = parseMrz(wrongComposite, { now: NOW });
  assert.equal(a.format, 'FRA_ID');
  assert.equal(a.valid, false);
  assert.deepEqual(a.checks, { documentNumber: true, birthDate: true, composite: false });
  assert.deepEqual(packageChecks('FRA_ID', wrongComposite), { documentNumber: true, birthDate: true, composite: false });
  // Document number 0 read as 8: its own digit and the composite fail.
  const wrongNumber = [FRA[0] as string, '9489' + (FRA[1] as string).slice(4)];
  const b = parseMrz(wrongNumber, { now: NOW });
  assert.equal(b.valid, false);
  assert.equal(b.checks.documentNumber, false);
  // A digit inside the names is no name.
  const digitName = parseMrz(['IDFRABERTH1ER<<<<<<<<<<<<<<<<<<<<<<<', FRA[1] as string], { now: NOW });
  assert.equal(digitName.valid, false);
  // The package agrees with ours on the valid card.
  assert.deepEqual(packageChecks('FRA_ID', FRA), { documentNumber: true, birthDate: true, composite: true });
});

test('2x36 lines not starting IDFRA stay TD2 (and visas MRVB)', () => {
  const td2 = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
  const r = parseMrz(td2, { now: NOW });
  assert.equal(r.format, 'TD2');
  assert.equal(r.valid, true);
  // A French TD2-shaped line 1 without the IDFRA start (code I<) is TD2 too.
  assert.equal(parseMrz(['I<FRABERTHIER<<CORINNE<<<<<<<<<<<<<<', 'D231458907FRA7408122F1204159<<<<<<<6'], { now: NOW }).format, 'TD2');
  // A TD2 that starts IDFRA (from the fuzz test's random generator): the French check digits fail, the TD2 ones
  // pass, so it reads TD2.
  const idfraTd2 = parseMrz(['IDFRALEE<<AHMED<<<<<<<<<<<<<<<<<<<<<', '2072790197FRA7410183M3111068<<<<<<<4'], { now: NOW });
  assert.equal(idfraTd2.format, 'TD2');
  assert.equal(idfraTd2.valid, true);
  assert.equal(idfraTd2.fields.givenNames, 'AHMED');
});

test('Germany D<< and issuer BDR', () => {
  const r = parseMrz(['P<BDRMUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'CA000000<4D<<6408125F1802212<<<<<<<<<<<<<<<6'], { now: NOW });
  assert.equal(r.valid, true);
  assert.equal(r.fields.issuingState, 'BDR');
  assert.equal(r.fields.nationality, 'D');
  assert.equal(r.fields.documentNumber, 'CA000000');
  assert.equal(r.checks.personalNumber, true); // `<` check digit over an all-filler personal number
});

test('TD3 personal-number check digit: `<` only when the field is all fillers', () => {
  const base = 'AA00000000POL6002084F1412314<<<<<<<<<<<<<<<4';
  assert.equal(parseMrz(['P<POLKOWALSKA<KWIATKOWSKA<<JOANNA<<<<<<<<<<<', base], { now: NOW }).valid, true);
  // Same but with `0` as the personal-number check digit: also correct (0 is the computed value).
  const withZero = base.slice(0, 42) + '0' + base[43];
  const r0 = parseMrz(['P<POLKOWALSKA<KWIATKOWSKA<<JOANNA<<<<<<<<<<<', withZero], { now: NOW });
  assert.equal(r0.checks.personalNumber, true);
  // Personal number "A0" computes to 0, but then `<` is not allowed.
  const personal = 'A0<<<<<<<<<<<<';
  const head = 'AA00000000POL6002084F1412314';
  const body = head + personal + '<';
  const composite = computeCheckDigit(body.slice(0, 10) + body.slice(13, 20) + body.slice(21, 43));
  const bad = parseMrz(['P<POLKOWALSKA<KWIATKOWSKA<<JOANNA<<<<<<<<<<<', body + composite], { now: NOW });
  assert.equal(bad.checks.personalNumber, false);
  assert.equal(bad.valid, false);
});

const NAME30 = 'DUPONT<<MARIE'.padEnd(30, '<');

test('TD1 long document number continues into the optional data (Belgian style)', () => {
  const number = '590330101234';
  const cd = computeCheckDigit(number);
  const l1 = `IDBEL${number.slice(0, 9)}<${number.slice(9)}${cd}<<<<<<<<<<<`;
  assert.equal(l1.length, 30);
  const l2head = `850101${computeCheckDigit('850101')}M250101${computeCheckDigit('250101')}BEL<<<<<<<<<<<`;
  const composite = computeCheckDigit(l1.slice(5, 30) + l2head.slice(0, 7) + l2head.slice(8, 15) + l2head.slice(18, 29));
  const r = parseMrz([l1, l2head + composite, NAME30], { now: NOW });
  assert.equal(r.valid, true, JSON.stringify(r.checks));
  assert.equal(r.fields.documentNumber, number);
  assert.equal(r.fields.optional1, '');
  // A wrong digit in the continuation breaks the document-number check.
  const broken = l1.slice(0, 15) + (l1[15] === '9' ? '8' : '9') + l1.slice(16);
  assert.equal(parseMrz([broken, l2head + composite, NAME30], { now: NOW }).checks.documentNumber, false);
});

test('non-ISO ICAO codes are known; unknown codes make the read invalid', () => {
  for (const code of ['UNO', 'UNA', 'UNK', 'XXA', 'XXB', 'XXC', 'XXX', 'GBD', 'GBN', 'GBO', 'GBP', 'GBS', 'EUE', 'RKS']) {
    const l2 = `L898902C36${code}7408122F1204159ZE184226B<<<<<10`;
    const l1 = `P<${code}ERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<`;
    const r = parseMrz([l1, l2], { now: NOW });
    assert.equal(r.checks.composite, true);
    assert.equal(r.valid, true, code);
  }
  const r = parseMrz(['P<QQQERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36QQQ7408122F1204159ZE184226B<<<<<10'], { now: NOW });
  assert.equal(r.valid, false);
  assert.ok(Object.values(r.checks).every(Boolean));
});

test('specimen state UTO: accepted by default, rejected with allowSpecimen: false', () => {
  const lines = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
  assert.equal(parseMrz(lines, { now: NOW }).valid, true);
  assert.equal(parseMrz(lines, { now: NOW, allowSpecimen: false }).valid, false);
});

test('names: << splits surname and given names, < becomes a space', () => {
  const r = parseMrz(['P<NLDVAN<DER<BERG<<JAN<PIETER<<<<<<<<<<<<<<<', 'L898902C36NLD7408122M1204159ZE184226B<<<<<10'], { now: NOW });
  assert.equal(r.fields.surname, 'VAN DER BERG');
  assert.equal(r.fields.givenNames, 'JAN PIETER');
  const mono = parseMrz(['P<IDNSUKARNO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<', 'L898902C36IDN7408122M1204159ZE184226B<<<<<10'], { now: NOW });
  assert.equal(mono.fields.surname, 'SUKARNO');
  assert.equal(mono.fields.givenNames, '');
  assert.equal(mono.valid, true);
});

test('century resolution: birth never in the future, expiry up to 20 years ahead', () => {
  assert.equal(resolveMrzDate('740812', 'birth', NOW).iso, '1974-08-12');
  assert.equal(resolveMrzDate('250101', 'birth', NOW).iso, '2025-01-01');
  assert.equal(resolveMrzDate('260601', 'birth', NOW).iso, '2026-06-01'); // today
  assert.equal(resolveMrzDate('260602', 'birth', NOW).iso, '1926-06-02'); // tomorrow -> last century
  assert.equal(resolveMrzDate('300101', 'birth', NOW).iso, '1930-01-01');
  assert.equal(resolveMrzDate('120415', 'expiry', NOW).iso, '2012-04-15');
  assert.equal(resolveMrzDate('460101', 'expiry', NOW).iso, '2046-01-01');
  assert.equal(resolveMrzDate('470101', 'expiry', NOW).iso, '1947-01-01');
  assert.equal(resolveMrzDate('991231', 'expiry', NOW).iso, '1999-12-31');
  // Leap days.
  assert.equal(resolveMrzDate('000229', 'birth', NOW).iso, '2000-02-29');
  assert.deepEqual(resolveMrzDate('010229', 'birth', NOW), { iso: null, ok: false });
  // Impossible and unknown parts.
  assert.deepEqual(resolveMrzDate('741312', 'birth', NOW), { iso: null, ok: false });
  assert.deepEqual(resolveMrzDate('740832', 'birth', NOW), { iso: null, ok: false });
  assert.deepEqual(resolveMrzDate('74<<<<', 'birth', NOW), { iso: null, ok: true });
  assert.deepEqual(resolveMrzDate('740000', 'birth', NOW), { iso: null, ok: true });
  assert.deepEqual(resolveMrzDate('7<0812', 'birth', NOW), { iso: null, ok: false });
});

test('a date that passes its check digit but cannot exist makes the read invalid', () => {
  const birth = '741312';
  const l2 = `L898902C36UTO${birth}${computeCheckDigit(birth)}F1204159ZE184226B<<<<<1`;
  const composite = computeCheckDigit(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43));
  const r = parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', l2 + composite], { now: NOW });
  assert.ok(Object.values(r.checks).every(Boolean));
  assert.equal(r.fields.birthDate, null);
  assert.equal(r.valid, false);
});

test('input forms: one string with newlines, one run of characters, lower case, CRLF', () => {
  const lines = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];
  assert.equal(parseMrz(lines.join('\n'), { now: NOW }).valid, true);
  assert.equal(parseMrz(lines.join('\r\n') + '\r\n', { now: NOW }).valid, true);
  assert.equal(parseMrz(lines.join(''), { now: NOW }).valid, true);
  assert.equal(parseMrz(lines.map((l) => l.toLowerCase()), { now: NOW }).valid, true);
  assert.equal(parseMrz(['  ' + lines[0] + '  ', '', lines[1] as string], { now: NOW }).valid, true);
});

test('structural problems throw MrzParseError with a stable code; safeParseMrz never throws', () => {
  const cases: [string | string[], string][] = [
    ['', 'empty'],
    [['   ', ''], 'empty'],
    [['P<UTOERIKSSON<<ANNA MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'], 'invalid-characters'],
    [['P<UTOÉRIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'], 'invalid-characters'],
    [['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'], 'invalid-shape'],
    [['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'], 'invalid-shape'],
    [['A'.repeat(30), 'B'.repeat(30)], 'invalid-shape'],
    [['A'.repeat(44), 'B'.repeat(44), 'C'.repeat(44)], 'invalid-shape'],
  ];
  for (const [input, code] of cases) {
    assert.throws(() => parseMrz(input), (e: unknown) => e instanceof MrzParseError && e.code === code, JSON.stringify(input));
    const s = safeParseMrz(input);
    assert.equal(s.ok, false);
    if (!s.ok) assert.equal(s.error.code, code);
  }
});

test('wrong check digits give valid=false with the failing check named', () => {
  const r = parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C37UTO7408122F1204159ZE184226B<<<<<10'], { now: NOW });
  assert.equal(r.valid, false);
  assert.equal(r.checks.documentNumber, false);
  assert.equal(r.checks.composite, false);
  assert.equal(r.checks.birthDate, true);
});

test('document code must fit the format; sex must be M, F or <', () => {
  const l2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
  assert.equal(parseMrz(['X<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', l2], { now: NOW }).valid, false);
  const badSex = 'L898902C36UTO7408122Q1204159ZE184226B<<<<<10';
  const r = parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', badSex], { now: NOW });
  assert.equal(r.valid, false);
  const unspecified = 'L898902C36UTO7408122<1204159ZE184226B<<<<<10';
  const u = parseMrz(['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', unspecified], { now: NOW });
  assert.equal(u.fields.sex, 'X');
  assert.equal(u.valid, true);
});
