// Renders the demo's sample passport (the ICAO 9303 "Utopia" specimen, a fictional person) with the synthetic
// document generator. Run: node --import tsx scripts/make-demo-assets.ts  (writes demo/public/sample-passport.jpg)
import { writeFileSync } from 'node:fs';
import { renderSynthetic } from './mrz/synth.ts';

const SPECIMEN_TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

const result = await renderSynthetic(20260101, {
  lines: SPECIMEN_TD3,
  allowSpecimen: true,
  preset: 'clean',
  width: 960,
  height: 680,
  docScale: [0.92, 0.95],
  encoding: 'jpeg',
  jpegQuality: [88, 88],
});
writeFileSync('demo/public/sample-passport.jpg', result.image);
console.log(`demo/public/sample-passport.jpg: ${result.width}x${result.height}, ${result.image.length} bytes`);
