/**
 * Fuzzing of parse and correct with random valid MRZs (scripts/mrz/random-mrz.ts), mutations and
 * garbage. What is asserted, honestly:
 * - random valid MRZs of every format parse valid with the generated field values;
 * - our check-digit verdicts agree with the `mrz` package on valid and mutated TD1/TD2/TD3 lines;
 * - a single substitution inside a check-digit-covered field is detected exactly when the value
 *   difference is not a multiple of 10 (weights 7, 3, 1 are coprime with 10), so such reads are
 *   never valid;
 * - parse throws nothing but MrzParseError; correct never throws and returns null or a result;
 * - correct never reports valid a reading whose lines do not parse valid, nor below the threshold;
 * - under a classifier-noise model in which wrong characters are never confident (p <= 0.8) and the
 *   truth is among the alternatives, correct reports no wrong-but-valid read, and it does correct;
 * - the same for random French identity cards (FRA_ID), which also parse valid as FRA_ID.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MRZ_ALPHABET, computeCheckDigit, mrzCharValue } from '../../../sdk/mrz/checkdigit.ts';
import { MRZ_CONFIDENCE_THRESHOLD, correctMrz } from '../../../sdk/mrz/correct.ts';
import { LAYOUTS } from '../../../sdk/mrz/formats.ts';
import { computeChecks, MrzParseError, packageChecks, parseMrz } from '../../../sdk/mrz/parse.ts';
import type { CharAlternative, LineCandidates, MrzFormat } from '../../../sdk/mrz/types.ts';
import { createRng, randomMrz, type Rng } from '../../../scripts/mrz/random-mrz.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const FORMATS: MrzFormat[] = ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB'];

test('3000 random valid MRZs parse valid with the generated fields', () => {
  for (let i = 0; i < 3000; i++) {
    const m = randomMrz(10_000 + i, { allowSpecimen: true, format: FORMATS[i % 5] as MrzFormat });
    const r = parseMrz(m.lines, { now: NOW });
    assert.equal(r.valid, true, m.lines.join('|'));
    const { fields: f } = r;
    assert.deepEqual(
      [f.documentCode, f.issuingState, f.documentNumber, f.nationality, f.surname, f.givenNames, f.sex, f.birthDate, f.expiryDate, f.optional1, f.optional2],
      [m.fields.documentCode, m.fields.issuingState, m.fields.documentNumber, m.fields.nationality, m.fields.surname, m.fields.givenNames, m.fields.sex, m.fields.birthDate, m.fields.expiryDate, m.fields.optional1, m.fields.optional2],
      m.lines.join('|'),
    );
  }
});

function mutate(lines: readonly string[], rng: Rng): { lines: string[]; line: number; col: number; from: string; to: string } {
  const line = Math.floor(rng() * lines.length);
  const src = lines[line] as string;
  const col = Math.floor(rng() * src.length);
  let to = src[col] as string;
  while (to === src[col]) to = MRZ_ALPHABET[Math.floor(rng() * MRZ_ALPHABET.length)] as string;
  const out = [...lines];
  out[line] = src.slice(0, col) + to + src.slice(col + 1);
  return { lines: out, line, col, from: src[col] as string, to };
}

test('check verdicts agree with the mrz package on 1500 valid and 3000 mutated TD1/TD2/TD3 lines', () => {
  const rng = createRng(7);
  let compared = 0;
  let knownDivergence = 0;
  const disagreements: string[] = [];
  for (let i = 0; i < 1500; i++) {
    const format = (['TD1', 'TD2', 'TD3'] as const)[i % 3] as MrzFormat;
    const m = randomMrz(20_000 + i, { format, allowSpecimen: true });
    for (const lines of [m.lines, mutate(m.lines, rng).lines, mutate(m.lines, rng).lines]) {
      const mine = computeChecks(LAYOUTS[format], lines);
      const theirs = packageChecks(format, lines);
      if (!theirs) continue;
      for (const [k, v] of Object.entries(mine)) {
        const t = theirs[k as keyof typeof theirs];
        if (t === undefined) continue;
        compared++;
        if (t === v) continue;
        // Known divergence: for TD1 long document numbers the package also accepts a check digit
        // computed with the position-15 filler included; we follow the Belgian cards (without it).
        const l0 = lines[0] as string;
        const long = format === 'TD1' && k === 'documentNumber' && l0[14] === '<' && v === false && t === true;
        if (long) {
          const opt = l0.slice(15);
          const end = opt.indexOf('<') < 0 ? opt.length : opt.indexOf('<');
          const cont = opt.slice(0, end);
          if (computeCheckDigit(`${l0.slice(5, 14)}<${cont.slice(0, -1)}`) === Number(cont.slice(-1))) {
            knownDivergence++;
            continue;
          }
        }
        disagreements.push(`${k} mine=${v} pkg=${t} ${lines.join('|')}`);
      }
    }
  }
  assert.ok(compared > 15_000, `compared ${compared}`);
  assert.deepEqual(disagreements.slice(0, 5), []);
  assert.ok(knownDivergence < compared / 100);
});

test('single substitutions in checked fields: detected exactly when the value difference is not a multiple of 10', () => {
  const rng = createRng(11);
  let detected = 0;
  let invisible = 0;
  for (let i = 0; i < 4000; i++) {
    const format = FORMATS[i % 5] as MrzFormat;
    const m = randomMrz(30_000 + i, { format, allowSpecimen: true, quirkRate: 0 });
    const layout = LAYOUTS[format];
    const mu = mutate(m.lines, rng);
    // Which own (non-composite) check covers the mutated position?
    const own = layout.checks.find((ck) => ck.name !== 'composite' && (ck.covers.some((sp) => sp.line === mu.line && mu.col >= sp.start && mu.col < sp.end) || (ck.line === mu.line && ck.pos === mu.col)));
    if (!own) continue;
    const r = parseMrz(mu.lines, { now: NOW });
    const isDigitPos = own.line === mu.line && own.pos === mu.col;
    const diff = Math.abs(mrzCharValue(mu.from) - mrzCharValue(mu.to));
    const fillerDigit = isDigitPos && mu.to === '<';
    if (isDigitPos || diff % 10 !== 0) {
      // A changed check digit or a visible difference always fails that check...
      if (!(fillerDigit && own.fillerWhenEmpty && /^<+$/.test((m.lines[own.line] as string).slice(28, 42)))) {
        assert.equal(r.checks[own.name], false, `${format} ${mu.from}->${mu.to} @${mu.line},${mu.col} ${mu.lines.join('|')}`);
        assert.equal(r.valid, false);
        detected++;
      }
    } else {
      // ...while a difference of 10, 20 or 30 (0/A/K/U/<, 6/G/Q, 8/I/S ...) cannot be seen.
      // (Except a `<` personal-number digit, which requires an all-filler field.)
      const fillerDigitField = own.fillerWhenEmpty && (m.lines[own.line] as string)[own.pos] === '<';
      assert.equal(r.checks[own.name], !fillerDigitField, `${format} ${mu.from}->${mu.to} @${mu.line},${mu.col} ${mu.lines.join('|')}`);
      invisible++;
    }
  }
  assert.ok(detected > 1000, `detected ${detected}`);
  assert.ok(invisible > 10, `invisible ${invisible}`);
});

test('parse throws only MrzParseError on 5000 random strings; safe shapes never throw', () => {
  const rng = createRng(3);
  const chars = MRZ_ALPHABET + 'abcxyz <>|\n\r\t-éß€0';
  for (let i = 0; i < 5000; i++) {
    const nLines = Math.floor(rng() * 4);
    const len = [0, 29, 30, 31, 35, 36, 44, 45, 88, 90][Math.floor(rng() * 10)] as number;
    const lines: string[] = [];
    for (let l = 0; l < nLines; l++) {
      let s = '';
      const pool = rng() < 0.6 ? MRZ_ALPHABET : chars;
      for (let c = 0; c < len; c++) s += pool[Math.floor(rng() * pool.length)];
      lines.push(s);
    }
    try {
      const r = parseMrz(rng() < 0.5 ? lines.join('\n') : lines, { now: NOW });
      assert.equal(typeof r.valid, 'boolean');
      assert.ok(r.lines.every((l) => l.length === r.lines[0]?.length));
    } catch (e) {
      assert.ok(e instanceof MrzParseError, String(e));
      assert.ok(['empty', 'invalid-characters', 'invalid-shape'].includes(e.code));
    }
  }
});

test('correct never throws on 3000 malformed candidate sets (NaN, empty, multi-char, wrong shapes)', () => {
  const rng = createRng(5);
  const weird = ['A', '0', '<', '', 'AB', 'é', ' ', 'a'];
  for (let i = 0; i < 3000; i++) {
    const nLines = 1 + Math.floor(rng() * 3);
    const len = [30, 36, 44, 10, 0][Math.floor(rng() * 5)] as number;
    const lines: CharAlternative[][][] = [];
    for (let l = 0; l < nLines; l++) {
      const line: CharAlternative[][] = [];
      const thisLen = rng() < 0.9 ? len : len + 1;
      for (let c = 0; c < thisLen; c++) {
        const n = Math.floor(rng() * 4);
        const alts: CharAlternative[] = [];
        for (let k = 0; k < n; k++) {
          const ch = rng() < 0.8 ? (MRZ_ALPHABET[Math.floor(rng() * 37)] as string) : (weird[Math.floor(rng() * weird.length)] as string);
          const p = rng() < 0.05 ? Number.NaN : rng() < 0.05 ? -1 : rng() < 0.05 ? 7 : rng();
          alts.push({ ch, p });
        }
        line.push(alts);
      }
      lines.push(line);
    }
    const r = correctMrz(lines, { now: NOW });
    if (r) {
      assert.ok(r.confidence >= 0 && r.confidence <= 1);
      if (r.valid) assert.ok(parseMrz(r.lines, { now: NOW }).valid);
    }
  }
});

const LOOKALIKE: Record<string, string> = {
  '0': 'O', O: '0', '1': 'I', I: '1', '8': 'B', B: '8', '5': 'S', S: '5', '2': 'Z', Z: '2', '6': 'G', G: '6', D: '0',
  '<': 'K', K: '<', M: 'N', N: 'M', E: 'F', F: 'E', C: 'G', H: 'N', U: 'V', V: 'U', '3': '8', '7': '1',
};

/**
 * Classifier-noise model: wrong characters are never confident and the truth is always listed. A
 * right character is read at 0.995-1, one in ten at 0.95-0.995 (a doubt where no check digit
 * covers it): the engine's right readings have a doubt or two (correct.ts MRZ_DOUBT_P), and a
 * reading with MRZ_MAX_DOUBTS of them is never valid, which every right character at 0.95-1 (until
 * session 41) would have made of most readings here.
 */
function noisy(lines: readonly string[], rng: Rng, errRate: number): LineCandidates[] {
  return lines.map((l) =>
    [...l].map((ch) => {
      if (rng() < errRate) {
        const wrong = LOOKALIKE[ch] ?? (MRZ_ALPHABET[Math.floor(rng() * 37)] as string);
        if (wrong !== ch) {
          const pw = 0.4 + rng() * 0.4;
          return [{ ch: wrong, p: pw }, { ch, p: (1 - pw) * 0.95 }];
        }
      }
      const p = rng() < 0.1 ? 0.95 + rng() * 0.045 : 0.995 + rng() * 0.005;
      return [{ ch, p }, { ch: LOOKALIKE[ch] ?? 'X', p: (1 - p) * 0.8 }];
    }),
  );
}

test('correct on 2500 noisy reads: no wrong-but-valid, valid implies parse-valid and threshold, and corrections happen', () => {
  const rng = createRng(21);
  let valid = 0;
  let exact = 0;
  let corrected = 0;
  let wrongValid = 0;
  for (let i = 0; i < 2500; i++) {
    const m = randomMrz(40_000 + i, { allowSpecimen: true, format: FORMATS[i % 5] as MrzFormat });
    const err = [0, 0.01, 0.02, 0.04][i % 4] as number;
    const r = correctMrz(noisy(m.lines, rng, err), { now: NOW });
    assert.ok(r);
    const same = r.lines.join('\n') === m.lines.join('\n');
    if (same) exact++;
    if (r.valid) {
      valid++;
      assert.ok(r.confidence >= MRZ_CONFIDENCE_THRESHOLD);
      assert.ok(parseMrz(r.lines, { now: NOW }).valid);
      if (!same) wrongValid++;
      if (r.corrections.length > 0) corrected++;
    }
  }
  assert.equal(wrongValid, 0);
  // 1473 of 2500 valid, 573 of them corrected, at the time of writing (session 41). A 6 or G in a
  // document or personal number (invisible to the check digit) or two O/0 that cancel out must be
  // 1-in-99 sure (correct.ts, hiddenLookalikeSwap); the model always lists the truth, which real
  // glyphs often do not below a first choice of 0.9, so the posterior keeps a floor on the unlisted
  // mass (correct.ts, UNLISTED_FLOOR). Every right character at 0.95-1, before MRZ_MAX_DOUBTS, gave about 490.
  assert.ok(valid > 1300, `valid ${valid}`);
  assert.ok(corrected > 450, `valid reads that needed corrections: ${corrected}`);
  assert.ok(exact > valid);
});

/** A random French identity card MRZ (FRA_ID) with its check digits computed. */
function randomFrenchCard(rng: Rng): string[] {
  const letters = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(65 + Math.floor(rng() * 26))).join('');
  const alnum = (n: number): string => Array.from({ length: n }, () => MRZ_ALPHABET[Math.floor(rng() * 36)] as string).join('');
  const surname = rng() < 0.3 ? `${letters(3 + Math.floor(rng() * 6))}<${letters(3 + Math.floor(rng() * 8))}` : letters(2 + Math.floor(rng() * 12));
  const given = rng() < 0.4 ? `${letters(3 + Math.floor(rng() * 3))}<<${letters(2 + Math.floor(rng() * 5))}` : letters(2 + Math.floor(rng() * 10));
  const admin = rng() < 0.5 ? '' : alnum(6);
  // Card number: issue year and month (digits only; correct.ts reads them so), office, serial.
  const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(rng() * 10))).join('');
  const number = digits(4) + Array.from({ length: 3 }, () => MRZ_ALPHABET[1 + Math.floor(rng() * 35)] as string).join('') + digits(5);
  const pad = (v: number): string => String(v).padStart(2, '0');
  const birth = `${pad(Math.floor(rng() * 100))}${pad(1 + Math.floor(rng() * 12))}${pad(1 + Math.floor(rng() * 28))}`;
  const l1 = `IDFRA${surname.padEnd(25, '<')}${admin.padEnd(6, '<')}`;
  const head = `${number}${computeCheckDigit(number)}${given.padEnd(14, '<')}${birth}${computeCheckDigit(birth)}${rng() < 0.5 ? 'M' : 'F'}`;
  return [l1, `${head}${computeCheckDigit(l1 + head)}`];
}

test('French identity cards (FRA_ID): 300 random ones parse valid as FRA_ID; 600 noisy reads give no wrong-but-valid', () => {
  const rng = createRng(77);
  for (let i = 0; i < 300; i++) {
    const lines = randomFrenchCard(rng);
    const r = parseMrz(lines, { now: NOW });
    assert.equal(r.format, 'FRA_ID', lines.join('|'));
    assert.equal(r.valid, true, lines.join('|'));
  }
  let valid = 0;
  for (let i = 0; i < 600; i++) {
    const lines = randomFrenchCard(rng);
    const r = correctMrz(noisy(lines, rng, [0, 0.01, 0.02, 0.04][i % 4] as number), { now: NOW });
    assert.ok(r);
    if (!r.valid) continue;
    valid++;
    assert.deepEqual(r.lines, lines, 'wrong but valid');
    assert.equal(r.format, 'FRA_ID');
    assert.ok(r.confidence >= MRZ_CONFIDENCE_THRESHOLD);
    assert.ok(parseMrz(r.lines, { now: NOW }).valid);
  }
  // 385 of 600 at the time of writing (session 41; the ICAO formats above: 1473 of 2500).
  assert.ok(valid > 330, `valid ${valid}`);
});
