import { test } from 'node:test';
import assert from 'node:assert/strict';
import { candidatesFromLines, correctMrz } from '../../../sdk/mrz/correct.ts';
import { parseMrz } from '../../../sdk/mrz/parse.ts';
import { MrzVoter } from '../../../sdk/mrz/vote.ts';
import type { CharAlternative, LineCandidates } from '../../../sdk/mrz/types.ts';
import { randomMrz } from '../../../scripts/mrz/random-mrz.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

function cands(lines: readonly string[], overrides: Record<string, CharAlternative[]> = {}, p = 0.995): LineCandidates[] {
  return lines.map((l, li) => [...l].map((ch, ci) => overrides[`${li},${ci}`] ?? [{ ch, p }]));
}

test('two agreeing valid frames make a stable result; one is not enough', () => {
  const v = new MrzVoter({ now: NOW });
  const r = parseMrz(TD3, { now: NOW });
  assert.equal(v.stable(), null);
  v.push(r);
  assert.equal(v.stable(), null);
  v.push(null); // a frame without MRZ does not break the streak
  v.push(r);
  const s = v.stable();
  assert.ok(s);
  assert.deepEqual(s.lines, TD3);
  assert.equal(s.valid, true);
});

test('minAgreeing is configurable', () => {
  const v = new MrzVoter({ now: NOW, minAgreeing: 3 });
  const r = parseMrz(TD3, { now: NOW });
  v.push(r);
  v.push(r);
  assert.equal(v.stable(), null);
  v.push(r);
  assert.ok(v.stable());
});

test('a name letter in doubt in every single frame is settled by votes across frames', () => {
  // Each of 4 frames: one different name letter is doubtful (p 0.55) -> every frame alone is invalid.
  const v = new MrzVoter({ now: NOW });
  const positions = [7, 20, 9, 22];
  for (const col of positions) {
    const truth = (TD3[0] as string)[col] as string;
    const c = cands(TD3, { [`0,${col}`]: [{ ch: truth, p: 0.55 }, { ch: truth === 'A' ? 'R' : 'A', p: 0.44 }] });
    const single = correctMrz(c, { now: NOW });
    assert.equal(single?.valid, false);
    v.push(single, c);
  }
  const s = v.stable();
  assert.ok(s, 'fused votes give a stable read');
  assert.deepEqual(s.lines, TD3);
  assert.equal(s.valid, true);
});

test('frames that disagree on a name letter do not become stable', () => {
  const v = new MrzVoter({ now: NOW });
  const a = cands(TD3, { '0,7': [{ ch: 'I', p: 0.5 }, { ch: 'L', p: 0.49 }] });
  const b = cands(TD3, { '0,7': [{ ch: 'L', p: 0.5 }, { ch: 'I', p: 0.49 }] });
  for (let i = 0; i < 4; i++) {
    v.push(correctMrz(a, { now: NOW }), a);
    v.push(correctMrz(b, { now: NOW }), b);
  }
  assert.equal(v.stable(), null);
});

test('a different document clears the older frames; reset() forgets everything', () => {
  const v = new MrzVoter({ now: NOW });
  const one = parseMrz(TD3, { now: NOW });
  const other = parseMrz(randomMrz(5, { format: 'TD3' }).lines, { now: NOW });
  assert.ok(other.valid);
  v.push(one);
  v.push(other);
  assert.equal(v.size, 1);
  assert.equal(v.stable(), null);
  v.push(other);
  assert.deepEqual(v.stable()?.lines, other.lines);
  v.reset();
  assert.equal(v.size, 0);
  assert.equal(v.stable(), null);
});

test('the window keeps only recent frames', () => {
  const v = new MrzVoter({ now: NOW, window: 3 });
  for (let i = 0; i < 10; i++) v.push(null);
  assert.equal(v.size, 3);
});

test('invalid frames alone never give a stable result', () => {
  const v = new MrzVoter({ now: NOW });
  const bad = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C37UTO7408122F1204159ZE184226B<<<<<10'];
  const r = parseMrz(bad, { now: NOW });
  for (let i = 0; i < 5; i++) v.push(r, candidatesFromLines(bad, 0.99));
  assert.equal(v.stable(), null);
});
