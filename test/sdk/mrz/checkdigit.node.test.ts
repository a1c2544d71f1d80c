import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCheckDigit, mrzCharValue, verifyCheckDigit } from '../../../sdk/mrz/checkdigit.ts';

test('ICAO 9303 example: L898902C3 -> 6', () => {
  assert.equal(computeCheckDigit('L898902C3'), 6);
});

test('specimen dates and composite', () => {
  assert.equal(computeCheckDigit('740812'), 2);
  assert.equal(computeCheckDigit('120415'), 9);
  assert.equal(computeCheckDigit('ZE184226B<<<<<'), 1);
  // TD3 composite of the ICAO specimen: positions 1-10, 14-20, 22-43 of line 2.
  const l2 = 'L898902C36UTO7408122F1204159ZE184226B<<<<<10';
  assert.equal(computeCheckDigit(l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43)), 0);
});

test('character values: digits, letters 10-35, filler 0, others -1', () => {
  assert.equal(mrzCharValue('0'), 0);
  assert.equal(mrzCharValue('9'), 9);
  assert.equal(mrzCharValue('A'), 10);
  assert.equal(mrzCharValue('Z'), 35);
  assert.equal(mrzCharValue('<'), 0);
  assert.equal(mrzCharValue('a'), -1);
  assert.equal(mrzCharValue(' '), -1);
  assert.equal(mrzCharValue('AB'), -1);
  assert.equal(computeCheckDigit('L89 902'), -1);
});

test('verifyCheckDigit: filler digit only for an all-filler field when allowed', () => {
  assert.equal(verifyCheckDigit('L898902C3', '6'), true);
  assert.equal(verifyCheckDigit('L898902C3', '7'), false);
  assert.equal(verifyCheckDigit('<<<<<<<<<<<<<<', '<', true), true);
  assert.equal(verifyCheckDigit('<<<<<<<<<<<<<<', '0', true), true);
  assert.equal(verifyCheckDigit('<<<<<<<<<<<<<<', '<', false), false);
  // A field that computes to 0 but holds data may not use `<`.
  assert.equal(computeCheckDigit('A0<<<<<<<<<<<<'), 0);
  assert.equal(verifyCheckDigit('A0<<<<<<<<<<<<', '<', true), false);
  assert.equal(verifyCheckDigit('123', 'X'), false);
  assert.equal(verifyCheckDigit('123', ''), false);
});
