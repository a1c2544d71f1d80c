/**
 * Trains the second-opinion glyph classifier (sdk/mrz/cnn.ts: conv 3x3 1 -> C1, ReLU, pool 2x2;
 * conv 3x3 -> C2, ReLU, pool; dense -> D (ReLU) -> 37) and writes `sdk/mrz/cnn-weights.ts`.
 *
 * Same data, split and on-line augmentation as the MLP's train.ts (train-glyphs.ts); Adam with a
 * cosine schedule, batch 32, class-weighted cross-entropy, seeded and single-threaded (a run is
 * reproducible). After training the weights are quantised (int8, one scale per output channel /
 * row), and on the held-out records, through the run-time forward pass of cnn.ts, the softmax
 * temperature is fitted (least negative log-likelihood), then the temperature and CNN share of the
 * ensemble with the shipped MLP (`--mlp`; cnn.ts `ensembleForward`).
 *
 * `node --import tsx scripts/mrz/train-cnn.ts --data a.bin,b.bin [--epochs 6] [--c1 8] [--c2 16]
 *   [--dense 64] [--blur 0.3] [--lr 0.002] [--seed 7] [--mlp sdk/mrz/weights.ts] [--out sdk/mrz/cnn-weights.ts]
 *   [--init cnn-weights.ts] [--pair-weight 0] [--pairs A/B,...] [--mlp-offset B] [--calib c.bin] [--cnn-share A]`
 * Check on glyph files it was not trained on with
 * `scripts/mrz/train-calib.ts --cnn sdk/mrz/cnn-weights.ts --mode cnn|ensemble --data ...`.
 *
 * Options: `--init FILE` fine-tunes from a cnn-weights module this script wrote (its dequantised
 * weights; peak rate `--lr`); `--pair-weight W` weights a look-alike glyph's loss by
 * `1 + W * p(look-alikes)` (hard negatives, as train.ts); `--calib a.bin` fits the temperatures on
 * glyph files not trained on instead of the 8% held-out split (does not change the weights);
 * `--cnn-share A` fixes the CNN's share of the ensemble's pool (default: fitted, 0.3..0.8, with its
 * temperature). `--epochs 0 --init FILE` only refits the temperatures and share. `--init` may
 * name a smaller net than `--c1/--c2/--dense`: it is widened (cnn-widen.ts `widenInto`: the new
 * units start with zero outgoing weights, so training starts from the small net's logits).
 *
 * Both nets trained from random weights by one seeded command, measured against the shipped ones
 * and not shipped (2026-12-03; three regression frames become false accepts): train-all.ts.
 *
 * The shipped weights (session 13): session 12's net (8 epochs from scratch, below), fine-tuned
 * three times on more via-band glyphs (segmenter of 2431352; seeds far from every frame set) with hard negatives:
 * ```
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s13glyphs-t3.bin --count 120 --seed 650000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s13glyphs-t4.bin --count 120 --seed 670000
 * git show 2431352:sdk/mrz/cnn-weights.ts > .cache/s13glyphs-cnn-base.ts
 * node --import tsx scripts/mrz/train-cnn.ts --data .cache/s10read-t1.bin,.cache/s10read-d1.bin,.cache/s12cnn-t2.bin,.cache/s12cnn-d2.bin,.cache/s13glyphs-t3.bin \
 *   --epochs 3 --c1 8 --c2 16 --dense 64 --lr 0.0007 --pair-weight 1 --init .cache/s13glyphs-cnn-base.ts --out .cache/s13glyphs-cnn-ft1.ts
 * node --import tsx scripts/mrz/train-cnn.ts --data .cache/s10read-t1.bin,.cache/s10read-d1.bin,.cache/s12cnn-t2.bin,.cache/s12cnn-d2.bin,.cache/s13glyphs-t3.bin,.cache/s13glyphs-t4.bin \
 *   --epochs 3 --c1 8 --c2 16 --dense 64 --lr 0.0005 --pair-weight 1 --init .cache/s13glyphs-cnn-ft1.ts --out .cache/s13glyphs-cnn-ft2.ts
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s13glyphs-t5.bin --count 120 --seed 690000
 * node --import tsx scripts/mrz/train-cnn.ts --data .cache/s10read-t1.bin,.cache/s10read-d1.bin,.cache/s12cnn-t2.bin,.cache/s12cnn-d2.bin,.cache/s13glyphs-t3.bin,.cache/s13glyphs-t4.bin,.cache/s13glyphs-t5.bin \
 *   --epochs 3 --c1 8 --c2 16 --dense 64 --lr 0.0005 --pair-weight 1 --init .cache/s13glyphs-cnn-ft2.ts
 * ```
 * (163596 glyphs; about 7 min per 3-epoch run on a busy core). On `.cache/s10read-eval.bin`
 * (`train-calib.ts`), session 12's net -> after the second run -> shipped (third): CNN 97.94% ->
 * 98.22% -> 98.20% (wrong at p >= 0.9: 5 -> 9 -> 10; right at p < 0.9: 294 -> 266 -> 228);
 * ensemble 98.21% -> 98.32% -> 98.29% (errors 174 -> 163 -> 166; wrong at p >= 0.9: 9 -> 10 -> 9;
 * right at p < 0.9: 292 -> 250 -> 231). Read counts (sdk/mrz/cnn.ts has main's): after the second
 * run 260/246/162/155/80, after the third 261/247/165/155/81 (70000, 90000, 170000, 240000,
 * FRA_ID), 0 false accepts. The temperatures and the CNN share 0.80 are fitted on the held-out
 * split, which the earlier nets were partly trained on. Tried and dropped: fitting them on fresh via-band glyphs
 * (`train-data-true.ts --via-band --count 80 --seed 660000`, 11164 glyphs, harder than the other
 * files: MLP 93.6%) gave CNN T 1.55, ensemble T 1.15 and share 0.70, much softer; held-out frames
 * 90000 read 242/300 instead of 246 (0 false accepts either way).
 *
 * Session 15, tried and dropped (sdk/mrz/cnn.ts has the glyph figures): the shipped net fine-tuned once
 * more with 50408 fresh via-band glyphs:
 * ```
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s15reads-t6.bin --count 120 --seed 740000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s15reads-t7.bin --count 240 --seed 760000
 * node --import tsx scripts/mrz/train-cnn.ts --data <the seven files above>,.cache/s15reads-t6.bin,.cache/s15reads-t7.bin \
 *   --epochs 3 --c1 8 --c2 16 --dense 64 --lr 0.0005 --pair-weight 1 --init sdk/mrz/cnn-weights.ts --out .cache/s15reads-cnn-ft1.ts
 * ```
 * (held-out accuracy 97.81 / 97.72 / 97.84% per epoch, about 10 min on a loaded core).
 *
 * Session 16, tried and dropped (sdk/mrz/engine-band.ts has the read counts): classifiers adapted to a
 * shorter full-resolution line. With `TARGET_LEN = 700` in engine-band.ts (eval-half.ts's true
 * analysis follows it; 8.3 GB RSS at --count 240: keep --count <= 90 per file for 4 GB):
 * ```
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s16line-t1.bin --count 240 --seed 810000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s16line-t2.bin --count 240 --seed 830000
 * node --import tsx scripts/mrz/train-cnn.ts --data .cache/s16line-t1.bin,.cache/s16line-t2.bin,.cache/s13glyphs-t5.bin,.cache/s15reads-t6.bin,.cache/s15reads-t7.bin \
 *   --epochs 3 --c1 8 --c2 16 --dense 64 --lr 0.0005 --pair-weight 1 --init sdk/mrz/cnn-weights.ts --out .cache/s16line-cnn-ft1.ts
 * node --import tsx scripts/mrz/train.ts --init sdk/mrz/weights.ts --lr 0.0005 --data .cache/s16line-t1.bin,.cache/s16line-t2.bin,.cache/s15reads-t6.bin,.cache/s15reads-t7.bin \
 *   --epochs 1 --seed 7 --blur 0.3 --temperature 0.6 --out .cache/s16line-mlp-ft1.ts
 * node --import tsx scripts/mrz/train-cnn.ts <the --data and net flags of ft1> --epochs 0 --init .cache/s16line-cnn-ft1.ts \
 *   --mlp .cache/s16line-mlp-ft1.ts --out .cache/s16line-cnn-ft1m.ts
 * ```
 * (131608 glyphs, 97.23 / 97.42 / 97.44% held-out per epoch, 5 min; quantised CNN 97.47% at T 0.95,
 * ensemble 97.72% (share 0.75) with the shipped MLP, 97.79% (T 1.05, share 0.70) with s16line-mlp-ft1
 * (97.29%; its split differs, partly trained on). Then with `TARGET_LEN = 760`, glyphs
 * `--count 90` at seeds 850000, 860000, 870000, 880000 (.cache/s16line-u<seed>.bin), CNN 2 more
 * epochs at --lr 0.0004 from s16line-cnn-ft1m on those + s16line-t1 + s15reads-t7
 * (.cache/s16line-cnn-ft2.ts, 98.25%), MLP 1 epoch from s16line-mlp-ft1 likewise
 * (.cache/s16line-mlp-ft2.ts), share refitted (.cache/s16line-cnn-ft2m.ts). Best pair for reads:
 * ft1m + mlp-ft1 at 760 (held-out 90000 260/300 but 240000 158/200 against 161); the 760-tuned pair
 * read 90000 257.
 *
 * Session 17, tried and dropped (figures also in sdk/mrz/cnn.ts): a larger net, 16/32/128 (3.6x the
 * multiply-adds; 93112 bytes of weights against 25072), widened from the shipped 8/16/64 and
 * fine-tuned on the nine files above (214004 glyphs, the same 8% held-out split as session 15's):
 * ```
 * D=.cache/s10read-t1.bin,.cache/s10read-d1.bin,.cache/s12cnn-t2.bin,.cache/s12cnn-d2.bin,.cache/s13glyphs-t3.bin,.cache/s13glyphs-t4.bin,.cache/s13glyphs-t5.bin,.cache/s15reads-t6.bin,.cache/s15reads-t7.bin
 * node --import tsx scripts/mrz/train-cnn.ts --data $D --epochs 2 --c1 16 --c2 32 --dense 128 --lr 0.0007 --pair-weight 1 \
 *   --init sdk/mrz/cnn-weights.ts --out .cache/s17net-w1.ts
 * ```
 * (about 3 ms per glyph per epoch on a core shared at load 6, 557 s per epoch; held-out 97.60% ->
 * 97.89% per epoch, session 15's 8/16/64 run 97.81 / 97.72 / 97.84%: the same plateau; fitted CNN
 * T 1.00, ensemble T 1.05, share 0.80). `train-calib.ts`, shipped -> s17net-w1, ensemble:
 * s10read-eval 98.29% -> 98.31% (wrong at p >= 0.9: 9 -> 5; right at p < 0.9: 231 -> 275),
 * s13glyphs-c1 94.75% -> 94.82% (63 -> 41; 534 -> 597); CNN alone 98.20 -> 98.18% (10 -> 4;
 * 228 -> 270), 94.38 -> 94.49% (72 -> 56; 492 -> 576): softer, as session 15's. At the shipped
 * net's temperatures (CNN 0.90, ensemble 1.05; .cache/s17net-w1t.ts) it is the shipped net's
 * figures again: 98.32% (7; 239), 94.77% (61; 522). Read counts (`/work/main/.tmp/s12/count.ts`,
 * main 272 and 259): as fitted 70000 271/320; at T 0.90 70000 272/320 (+70281, -70161),
 * 90000 258/300 (-90270), 0 false accepts. A third epoch did not leave the plateau:
 * ```
 * node --import tsx scripts/mrz/train-cnn.ts --data $D --epochs 1 --c1 16 --c2 32 --dense 128 --lr 0.0003 --pair-weight 1 \
 *   --init .cache/s17net-w1.ts --out .cache/s17net-w2.ts
 * ```
 * (held-out 97.93%; ensemble s10read-eval 98.29% (6; 261), s13glyphs-c1 94.80% (44; 575) at its
 * fitted CNN T 1.05 / ensemble T 1.00; at the shipped temperatures (.cache/s17net-w2t.ts) 98.28%
 * (8; 225), 94.76% (62; 526), which read 70000 271/320 and 90000 258/300: 0 false accepts, but
 * more frames read wrong (not reported valid): 70007, 70179, 90032, 90067 read wrong, 70241 no longer).
 * The 11 exact-but-invalid frames of 70000 on main (`bench/mrz/diagnose.ts --seed0 70000 --n 320
 * --verbose`, .cache/s17net-diag70000-main.log) are all small bands (scale 0.25-0.42), 10 of them
 * tilted 11.8-19.1 degrees. By the frames' `.corners.json` (scale, tilt) and main's per-frame
 * counts (12 exact-invalid by count.ts), 12 of the 148 frames at scale <= 0.42 are exact but
 * invalid (10 of the 91 also tilted >= 11.8 degrees), 0 of the 172 larger ones: glyphs of small
 * tilted bands (how many the training files hold was not checked), not the net's size, look like
 * the lever. A first try at that lever did not read more: the shipped 8/16/64 fine-tuned on glyphs of
 * small bands only (train-data-true.ts `--max-px-per-mm`, 14220 glyphs) with s15reads-t7:
 * ```
 * for s in 910000 920000 930000 940000 950000 960000; do node --import tsx scripts/mrz/train-data-true.ts --via-band \
 *   --max-px-per-mm 4.5 --out .cache/s17net-small-$s.bin --count 90 --seed $s; done   # 910000 with 3.3: 568 glyphs
 * node --import tsx scripts/mrz/train-cnn.ts --data <the six small files>,.cache/s15reads-t7.bin --epochs 2 --c1 8 --c2 16 \
 *   --dense 64 --lr 0.0005 --pair-weight 1 --init sdk/mrz/cnn-weights.ts --out .cache/s17net-small-ft1.ts
 * ```
 * (held-out 96.62%; ensemble at the shipped temperatures and share, .cache/s17net-small-ft1t.ts:
 * s10read-eval 98.26% (8; 270), s13glyphs-c1 94.46% (50; 562); reads 70000 268/320, 90000 258/300,
 * 0 false accepts). The retrained nets flip the same few knife-edge frames of 70000 (70161, read by
 * the shipped net, lost by all four counted; 70004 and 70237 by two or three; 70274 and 70281 won
 * by two): read counts move by a few frames either way whatever the net, so a net must win by more
 * than that to be told apart.
 * Logs, weights and per-frame counts: .cache/s17net-*.
 *
 * Session 20, tried and dropped (the earlier glyph files were gone; all regenerated, seeds far from every frame set;
 * `train-data-true.ts` grows to about 14 GB RSS by --count 425 without `--max-px-per-mm`: keep such runs <= 200):
 * ```
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --max-px-per-mm 4.5 --out .tmp/s20-small-eval2.bin --count 300 --seed 3200000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .tmp/s20-gen-eval.bin --count 60 --seed 3600000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --max-px-per-mm 4.5 --out .tmp/s20-small-t1.bin --count 700 --seed 3400000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --max-px-per-mm 4.5 --out .tmp/s20-small-t2.bin --count 525 --seed 3700000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .tmp/s20-gen-t1.bin --count 160 --seed 3500000
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .tmp/s20-gen-t2.bin --count 425 --seed 3800000
 * node --import tsx scripts/mrz/train-cnn.ts --data .tmp/s20-small-t1.bin,.tmp/s20-gen-t1.bin --epochs 2 --c1 8 --c2 16 --dense 64 \
 *   --lr 0.0005 --pair-weight 1 --pairs '</K,H/B,T/1,T/Y,F/Y,U/W,F/P,R/8,Q/G,I/S' --init sdk/mrz/cnn-weights.ts --out .tmp/e1-cnn.ts
 * node --import tsx scripts/mrz/train-cnn.ts --data .tmp/s20-small-t1.bin,.tmp/s20-small-t2.bin,.tmp/s20-gen-t1.bin,.tmp/s20-gen-t2.bin \
 *   --epochs 2 --c1 8 --c2 16 --dense 64 --lr 0.0005 --pair-weight 1 --pairs '<the same>' --mlp-offset 0.225 --cnn-share 0.8 \
 *   --init sdk/mrz/cnn-weights.ts --out .tmp/e2-cnn.ts
 * ```
 * (small-eval2: 11648 glyphs of documents drawn at <= 4.5 px/mm; gen-eval 8496; e1: 43600 glyphs, 27 s an epoch;
 * e2: 119472.) e1 adds hard negatives on the look-alikes the bench's exact-but-invalid frames hang on (`--pairs`);
 * e2 trains the CNN inside the ensemble (`--mlp-offset`: the MLP's log-probabilities added to its logits). On the
 * glyphs as cut (`train-calib.ts --cut-only`), ensemble accuracy, letters right at p >= 0.9, letters wrong at
 * p >= 0.9: small-eval2 shipped 92.65%, 80.89%, 15; e1 92.58%, 78.98%, 12; e2 (its fitted T) 92.03%, 78.22%, 8;
 * gen-eval shipped 96.09%, 88.52%, 5; e1 95.86%, 87.58%, 3; e2 96.26%, 86.88%, 4. Traced over the ensemble
 * temperature (`--ensemble-temperature`), every net lies on the shipped net's curve (letters right at the same
 * count of confident wrong letters within half a point, both files; so does the geometric mean of the shipped
 * and e1 ensembles): softer or sharper, not better. Read counts (e1; `/work/main/.tmp/s19/count.ts`): 70000
 * 276/320 (main 280: 70004, 70014, 70237 exact but invalid, 70161 wrong; the knife-edge frames of session 17),
 * 90000 262/300 (+90239, -90134), fresh 260000 177/200 as main (no set ever chose a net by it); e2 lost 70004,
 * 70014, 70161 and 90073 in the first half of both sets (stopped). 0 false accepts. The bench's exact-but-invalid
 * A second net trained from scratch on the four training files, pooled with the shipped one, was the one thing
 * off that curve, but not on frames:
 * ```
 * node --import tsx scripts/mrz/train-cnn.ts --data <e2's four files> --epochs 8 --c1 8 --c2 16 --dense 64 --lr 0.002 --seed 11 \
 *   --pair-weight 1 --out .tmp/e3-cnn.ts
 * ```
 * (held-out 96.44%, 393 s; fitted CNN T 1.00, ensemble T 1.05, share 0.80). Pooled in classifyGlyphsSecond (a copy
 * of cnn.ts: `softmax((0.8 * (z1 / T1 + z2 / T2) / 2 + 0.2 * log p_mlp) / 0.945)`, the temperature where the pool
 * had both more right and fewer confident wrong glyphs than the shipped ensemble on both files): small-eval2
 * 92.99%, letters 81.82% right at p >= 0.9, 15 wrong; gen-eval 96.42%, 88.67%, 5 (NLL 0.371 -> 0.335 and
 * 0.171 -> 0.158). Read counts: 70000 278 (+70060; -70004, -70161, -70237), 90000 264 (+90156, +90234),
 * 170000 172, 240000 165 (-240114), FRA_ID 84 (-500094), real 22/23, fresh 260000 177: 3 frames won, 5 lost,
 * 0 false accepts. A glyph-level gain of this size moves knife-edge frames both ways. The pool only as a last
 * reading of the second-opinion cut (after the late second opinions, the shipped path untouched) read none of the
 * three and lost 70004 (0.966 -> 0.861), a frame the fused path reads: the new reading joins the frame's readings.
 * The bench's exact-but-invalid glyphs are beyond what the raster holds: their bands are drawn at 8-11 frame
 * pixels a character (the 16x20 raster of a 1.1-pitch, 1.3-height window samples them at about 1.8x, so
 * GLYPH_SIZE loses nothing), a blurred H is one blob with no counters (also with the ink map's clip at the
 * stroke level raised 1.6x), and the shipped ensemble did not read such glyphs better from a sharpened rectification (true bands of the
 * bench's 140 frames at scale <= 0.42: 94.73% -> 93.16%), a bicubic one (small frames of five sets, normal
 * preset, tilt >= 12 degrees: 94.85% -> 94.21%) or its cells re-rastered at their true centres (36 small
 * documents: cells cut within 0.05 pitch, 87% of them, 93.5% right at p >= 0.9 as cut, 93.1% at the true
 * centre; 0.05-0.1 pitch 87.3% and 87.7%).
 *
 * Session 35, tried and dropped: the shipped net fine-tuned on glyphs of hand-shake frames (the bench's
 * misses are mostly small or blurred frames: `npm run bench:mrz` slices) with as many of all presets:
 * ```
 * for s in 7000000 7200000 7400000; do node --import tsx scripts/mrz/train-data-true.ts --via-band --motion-blur 1 \
 *   --out .tmp/hs-t$s.bin --count 200 --seed $s; done
 * for s in 7600000 7800000; do node --import tsx scripts/mrz/train-data-true.ts --via-band --out .tmp/gen-t$s.bin \
 *   --count 200 --seed $s; done
 * node --import tsx scripts/mrz/train-cnn.ts --data <the five files> --epochs 3 --c1 8 --c2 16 --dense 64 --lr 0.0005 \
 *   --pair-weight 1 --init sdk/mrz/cnn-weights.ts --out .tmp/hs-cnn-ft1.ts
 * ```
 * (130276 glyphs, 50 s an epoch; fitted CNN T 0.95, ensemble T 1.05, share 0.80). Ensemble on the glyphs as
 * cut (`train-calib.ts --cut-only`), shipped -> fine-tuned: hand-shake seeds 7900000 (`--motion-blur 1
 * --count 100`, 6144 glyphs) 96.22% -> 96.65%, 16 -> 11 wrong at p >= 0.9, letters right at p >= 0.9
 * 86.4% -> 86.2%; all presets 7950000 (6814) 98.44% -> 98.46%, 10 -> 8, 93.7% -> 93.4%. Frames: bench
 * 284 -> 282/320 (70161 and 70237 lost) with 1 false accept (70045, hand-shake box 7 px), hand-shake
 * slice 44 -> 42/69; held-out 90000 269 -> 267/300 (90032, 90073, 90234 lost, 90239 won), 51 -> 49/69. A
 * glyph-level gain this small moves knife-edge frames, mostly the wrong way. A classifier that sees a glyph's
 * neighbours (scripts/mrz/context-eval.ts) did not read hand-shake glyphs better either.
 *
 * Session 12's net (the init above):
 * ```
 * node --import tsx scripts/mrz/train-data-true.ts --via-band --out .cache/s12cnn-t2.bin --count 150 --seed 610000
 * node --import tsx scripts/mrz/train-data.ts --out .cache/s12cnn-d2.bin --count 150 --seed 620000
 * node --import tsx scripts/mrz/train-cnn.ts --data .cache/s10read-t1.bin,.cache/s10read-d1.bin,.cache/s12cnn-t2.bin,.cache/s12cnn-d2.bin \
 *   --epochs 8 --c1 8 --c2 16 --dense 64
 * ```
 * (s10read-t1/d1: see train.ts; 114100 glyphs in all, about 130 s per epoch on one busy core).
 * On `.cache/s10read-eval.bin` (9708 glyphs, seeds 530000, trained on by neither net;
 * `train-calib.ts`): MLP 97.78% right, 28 wrong at p >= 0.9, 288 right at p < 0.9; that CNN alone
 * 97.94%, 5, 294; the ensemble 98.21%, 9, 292 (errors 216 -> 174). Tried and dropped: 16/32/64
 * (4x the second convolution's work): 95.68% held-out after its first epoch against 95.61% for
 * 8/16/64, stopped for time (about 460 s per epoch).
 * @module
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeModel, forward as mlpForward, type PackedMlp } from '../../sdk/mrz/classify.ts';
import { CLASSES } from '../../sdk/mrz/classify-alphabet.ts';
import { cnnLogits, cnnShapes, decodeCnn, POOL1_H, POOL1_W, POOL2_H, POOL2_W, type Cnn, type PackedCnn } from '../../sdk/mrz/cnn.ts';
import { GLYPH_H, GLYPH_SIZE, GLYPH_W } from '../../sdk/mrz/segment.ts';
import { createRng } from './random-mrz.ts';
import { adamOptimiser, classWeights, CONFUSABLE, denseBackward, denseForward, glyphLoader, lookAlikePartners, readGlyphFiles, shuffledOrder, shuffleInPlace } from './train-glyphs.ts';
import { cliArgs } from './train-io.ts';
import { widenInto } from './cnn-widen.ts';

const cli = cliArgs();
const get = cli.get;
const dataFiles = get('data', '.cache/s10read-t1.bin,.cache/s10read-d1.bin').split(',');
const EPOCHS = Number(get('epochs', '6'));
const C1 = Number(get('c1', '8'));
const C2 = Number(get('c2', '16'));
const DH = Number(get('dense', '64'));
const BLUR = Number(get('blur', '0.3'));
const LR = Number(get('lr', '0.002'));
const SEED = Number(get('seed', '7'));
const MLP_FILE = get('mlp', 'sdk/mrz/weights.ts');
const OUT = get('out', 'sdk/mrz/cnn-weights.ts');
/** `--init FILE`: start from the (dequantised) weights of a cnn-weights module this script wrote (fine-tuning). */
const INIT = get('init', '');
/**
 * `--pair-weight W`: hard negatives, as train.ts: a glyph of a look-alike class has its loss
 * weighted by `1 + W * (probability the net gives its look-alikes)`. 0: off.
 */
const PAIR_W = Number(get('pair-weight', '0'));
/**
 * `--calib a.bin,...`: glyph files NOT trained on that fit both temperatures (default: the 8%
 * held-out records of the training files, which the shipped MLP may have been trained on).
 */
const CALIB = get('calib', '');
/** `--cnn-share A`: a fixed CNN share of the ensemble's pool (default: fitted with its temperature, 0.3..0.8). */
const FIXED_SHARE = Number(get('cnn-share', '0'));
/**
 * `--mlp-offset B`: train the CNN inside the ensemble: its softmax takes `B * log p_mlp` (the MLP
 * of `--mlp` on the same augmented glyph) added to its logits, so it learns what the MLP gets wrong
 * (the ensemble pools `a * z / T + (1 - a) * log p_mlp`: B = (1 - a) * T / a, 0.225 at the shipped
 * share 0.80 and T 0.90). 0: off (the CNN alone, as before session 20).
 */
const MLP_OFFSET = Number(get('mlp-offset', '0'));
const C = CLASSES.length;
/**
 * `--pairs A/B,C/D`: more look-alike pairs for `--pair-weight` (session 20: the confusions of small
 * blurred bands, e.g. `</K,H/B,T/1`).
 */
const EXTRA_PAIRS = get('pairs', '')
  .split(',')
  .filter((s) => s.length > 0)
  .map((s) => s.split('/') as [string, string]);
/** Look-alike pairs: train.ts's, plus A/Q of session 12's rejected names (I/T and H/M are in train.ts's). */
const partners = lookAlikePartners([...CONFUSABLE, ['A', 'Q'], ...EXTRA_PAIRS]);
const W = GLYPH_W;
const H = GLYPH_H;
const PW1 = W + 2;
const PW2 = POOL1_W + 2;
const PH2 = POOL1_H + 2;
const A1 = W * H;
const A2 = POOL1_W * POOL1_H;
const F = C2 * POOL2_H * POOL2_W;

// ---- data (shared with train.ts)
const { all, n: N } = await readGlyphFiles(dataFiles);
const rng = createRng(SEED);
const order = shuffledOrder(N, rng);
const nVal = Math.floor(N * 0.08);
const valIdx = order.subarray(0, nVal);
const trainIdx = order.subarray(nVal);
const { weights: classW } = classWeights(all, trainIdx);
process.stderr.write(`samples ${N} (train ${trainIdx.length}, val ${nVal}); net ${C1}/${C2}/${DH}\n`);
const x = new Float32Array(GLYPH_SIZE);
const load = glyphLoader(all, x, rng, BLUR);
const mlp = decodeModel(((await import(pathToFileURL(resolve(MLP_FILE)).href)) as { MODEL: PackedMlp }).MODEL);
const mlpP = new Float32Array(C);

// ---- parameters (layout of cnn.ts: [out][in][3][3] for the convolutions, [out][in] dense)
const shapes = cnnShapes(C1, C2, DH, C);
const gauss = (): number => {
  const u = Math.max(1e-12, rng());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
};
const Ws = shapes.map(([r, c]) => {
  const w = new Float32Array(r * c);
  for (let i = 0; i < w.length; i++) w[i] = gauss() * Math.sqrt(2 / c);
  return w;
});
const Bs = shapes.map(([r]) => new Float32Array(r));
if (INIT) {
  const init = decodeCnn(((await import(pathToFileURL(resolve(INIT)).href)) as { CNN_MODEL: PackedCnn }).CNN_MODEL);
  if (init.conv1 > C1 || init.conv2 > C2 || init.dense > DH || init.outputs !== C) throw new Error(`${INIT}: net ${init.conv1}/${init.conv2}/${init.dense} does not fit --c1 ${C1} --c2 ${C2} --dense ${DH}`);
  widenInto(init, C1, C2, DH, Ws, Bs);
}
const params = Ws.flatMap((w, l) => [w, Bs[l] as Float32Array]);
const grads = params.map((p) => new Float32Array(p.length));
const adam = adamOptimiser(params, grads);
const [w0, w1, w2, w3] = Ws as [Float32Array, Float32Array, Float32Array, Float32Array];
const [b0, b1, b2, b3] = Bs as [Float32Array, Float32Array, Float32Array, Float32Array];
const [gw0, gb0, gw1, gb1, gw2, gb2, gw3, gb3] = grads as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];

// ---- activations of one glyph
const pad1 = new Float64Array(PW1 * (H + 2));
const a1 = new Float64Array(C1 * A1);
const p1 = new Float64Array(C1 * PW2 * PH2);
const arg1 = new Int32Array(C1 * A2);
const a2 = new Float64Array(C2 * A2);
const feat = new Float64Array(F);
const arg2 = new Int32Array(F);
const hid = new Float64Array(DH);
const prob = new Float64Array(C);
const dlogits = new Float64Array(C);
const dh = new Float64Array(DH);
const dfeat = new Float64Array(F);
const da2 = new Float64Array(C2 * A2);
const dp1 = new Float64Array(C1 * PW2 * PH2);
const da1 = new Float64Array(C1 * A1);

/** 3x3 convolution over zero-padded planes (as cnn.ts conv3). */
function conv(src: Float64Array, inCh: number, w: number, h: number, k: Float32Array, b: Float32Array, outCh: number, dst: Float64Array): void {
  const pw = w + 2;
  const plane = pw * (h + 2);
  for (let oc = 0; oc < outCh; oc++) {
    const o = oc * w * h;
    dst.fill(b[oc] as number, o, o + w * h);
    for (let ic = 0; ic < inCh; ic++) {
      const so = ic * plane;
      const wo = (oc * inCh + ic) * 9;
      for (let t = 0; t < 9; t++) {
        const kv = k[wo + t] as number;
        const dy = (t / 3) | 0;
        const dx = t - 3 * dy;
        for (let y = 0; y < h; y++) {
          const row = so + (y + dy) * pw + dx;
          const out = o + y * w;
          for (let xx = 0; xx < w; xx++) dst[out + xx] = (dst[out + xx] as number) + kv * (src[row + xx] as number);
        }
      }
    }
  }
}

/** ReLU + 2x2 max-pool; `arg` gets the winning pre-activation index (-1 when the unit is off). */
function pool(src: Float64Array, ch: number, w: number, h: number, dst: Float64Array, pad: number, arg: Int32Array): void {
  const ow = w >> 1;
  const oh = h >> 1;
  const dw = ow + 2 * pad;
  const plane = dw * (oh + 2 * pad);
  if (pad > 0) dst.fill(0);
  for (let c = 0; c < ch; c++) {
    for (let y = 0; y < oh; y++) {
      for (let xx = 0; xx < ow; xx++) {
        const i0 = c * w * h + 2 * y * w + 2 * xx;
        let bi = i0;
        if ((src[i0 + 1] as number) > (src[bi] as number)) bi = i0 + 1;
        if ((src[i0 + w] as number) > (src[bi] as number)) bi = i0 + w;
        if ((src[i0 + w + 1] as number) > (src[bi] as number)) bi = i0 + w + 1;
        const v = src[bi] as number;
        dst[c * plane + (y + pad) * dw + xx + pad] = v > 0 ? v : 0;
        arg[c * ow * oh + y * ow + xx] = v > 0 ? bi : -1;
      }
    }
  }
}

function forward(): void {
  pad1.fill(0);
  for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) pad1[(y + 1) * PW1 + xx + 1] = x[y * W + xx] as number;
  conv(pad1, 1, W, H, w0, b0, C1, a1);
  pool(a1, C1, W, H, p1, 1, arg1);
  conv(p1, C1, POOL1_W, POOL1_H, w1, b1, C2, a2);
  pool(a2, C2, POOL1_W, POOL1_H, feat, 0, arg2);
  denseForward(feat, F, w2, b2, DH, hid, true);
  denseForward(hid, DH, w3, b3, C, prob, false);
  let max = -Infinity;
  if (MLP_OFFSET > 0) {
    mlpForward(mlp, x, 0, mlpP);
    for (let k = 0; k < C; k++) prob[k] = (prob[k] as number) + MLP_OFFSET * Math.log(Math.max(1e-30, mlpP[k] as number));
  }
  for (let k = 0; k < C; k++) {
    const s = prob[k] as number;
    if (s > max) max = s;
  }
  let z = 0;
  for (let k = 0; k < C; k++) {
    prob[k] = Math.exp((prob[k] as number) - max);
    z += prob[k] as number;
  }
  for (let k = 0; k < C; k++) prob[k] = (prob[k] as number) / z;
}

/**
 * Weight gradients (and input gradient `din` when given) of a convolution, from `dout`: only the
 * outputs with a gradient (after ReLU and max-pool, a quarter or fewer) are visited.
 */
function convBack(src: Float64Array, inCh: number, w: number, h: number, k: Float32Array, gk: Float32Array, gb: Float32Array, outCh: number, dout: Float64Array, din: Float64Array | null): void {
  const pw = w + 2;
  const plane = pw * (h + 2);
  din?.fill(0);
  for (let oc = 0; oc < outCh; oc++) {
    const o = oc * w * h;
    for (let y = 0; y < h; y++) {
      for (let xx = 0; xx < w; xx++) {
        const d = dout[o + y * w + xx] as number;
        if (d === 0) continue;
        gb[oc] = (gb[oc] as number) + d;
        for (let ic = 0; ic < inCh; ic++) {
          const base = ic * plane + y * pw + xx;
          const wo = (oc * inCh + ic) * 9;
          for (let dy = 0; dy < 3; dy++) {
            const r = base + dy * pw;
            const t = wo + dy * 3;
            gk[t] = (gk[t] as number) + d * (src[r] as number);
            gk[t + 1] = (gk[t + 1] as number) + d * (src[r + 1] as number);
            gk[t + 2] = (gk[t + 2] as number) + d * (src[r + 2] as number);
            if (din) {
              din[r] = (din[r] as number) + (k[t] as number) * d;
              din[r + 1] = (din[r + 1] as number) + (k[t + 1] as number) * d;
              din[r + 2] = (din[r + 2] as number) + (k[t + 2] as number) * d;
            }
          }
        }
      }
    }
  }
}

function backward(label: number, weight: number): void {
  for (let k = 0; k < C; k++) dlogits[k] = ((prob[k] as number) - (k === label ? 1 : 0)) * weight;
  denseBackward(dlogits, C, hid, DH, w3, gw3, gb3, dh);
  // The features are pooled ReLU outputs: a zero feature (arg2 -1) takes no gradient either way.
  denseBackward(dh, DH, feat, F, w2, gw2, gb2, dfeat);
  da2.fill(0);
  for (let i = 0; i < F; i++) {
    const a = arg2[i] as number;
    if (a >= 0) da2[a] = (da2[a] as number) + (dfeat[i] as number);
  }
  convBack(p1, C1, POOL1_W, POOL1_H, w1, gw1, gb1, C2, da2, dp1);
  da1.fill(0);
  for (let c = 0; c < C1; c++) {
    for (let y = 0; y < POOL1_H; y++) {
      for (let xx = 0; xx < POOL1_W; xx++) {
        const a = arg1[c * A2 + y * POOL1_W + xx] as number;
        if (a >= 0) da1[a] = (da1[a] as number) + (dp1[c * PW2 * PH2 + (y + 1) * PW2 + xx + 1] as number);
      }
    }
  }
  convBack(pad1, 1, W, H, w0, gw0, gb0, C1, da1, null);
}


function evaluate(idx: Int32Array): number {
  let ok = 0;
  for (const i of idx) {
    const label = load(i, false);
    forward();
    let arg = 0;
    for (let k = 1; k < C; k++) if ((prob[k] as number) > (prob[arg] as number)) arg = k;
    if (arg === label) ok++;
  }
  return ok / idx.length;
}

const BATCH = 32;
const t0 = Date.now();
const totalSteps = Math.ceil(trainIdx.length / BATCH) * EPOCHS;
let s = 0;
for (let ep = 0; ep < EPOCHS; ep++) {
  shuffleInPlace(trainIdx, rng);
  let inBatch = 0;
  let seen = 0;
  for (const i of trainIdx) {
    const label = load(i, true);
    forward();
    let pairW = 1;
    if (PAIR_W > 0) for (const k of partners[label] as number[]) pairW += PAIR_W * (prob[k] as number);
    backward(label, (classW[label] as number) * pairW);
    if (++inBatch === BATCH) {
      adam(LR * 0.5 * (1 + Math.cos((Math.PI * s) / totalSteps)), BATCH);
      s++;
      inBatch = 0;
    }
    if (++seen % 20000 === 0) process.stderr.write(`  ${seen} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
  }
  process.stderr.write(`epoch ${ep + 1}/${EPOCHS}: val acc ${(evaluate(valIdx) * 100).toFixed(2)}% (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
}

// ---- quantise (int8, one scale per output row / channel)
const qs = Ws.map((w, l) => {
  const [rows, cols] = shapes[l] as [number, number];
  const q = new Int8Array(rows * cols);
  const scale = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let c = 0; c < cols; c++) m = Math.max(m, Math.abs(w[r * cols + c] as number));
    const sc = m / 127 || 1e-8;
    scale[r] = sc;
    for (let c = 0; c < cols; c++) q[r * cols + c] = Math.round((w[r * cols + c] as number) / sc);
  }
  return { q, scale };
});
const deq = qs.map(({ q, scale }, l) => {
  const cols = (shapes[l] as [number, number])[1];
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) out[i] = (q[i] as number) * (scale[Math.floor(i / cols)] as number);
  return out;
});

// ---- temperatures, on the held-out records, through the run-time forward pass
const quantised: Cnn = { conv1: C1, conv2: C2, dense: DH, outputs: C, temperature: 1, ensembleTemperature: 1, ensembleCnnShare: 0.5, w: deq as [Float32Array, Float32Array, Float32Array, Float32Array], b: Bs as [Float32Array, Float32Array, Float32Array, Float32Array] };
const calibSet = CALIB ? await readGlyphFiles(CALIB.split(',')) : null;
const loadCalib = calibSet ? glyphLoader(calibSet.all, x, rng, 0) : load;
const calibIdx = calibSet ? Int32Array.from({ length: calibSet.n }, (_, i) => i) : valIdx;
const nCal = calibIdx.length;
const valLogits = new Float64Array(nCal * C);
const valMlp = new Float32Array(nCal * C);
const valLabel = new Uint8Array(nCal);
{
  const lg = new Float64Array(C);
  const pm = new Float32Array(C);
  calibIdx.forEach((i, v) => {
    valLabel[v] = loadCalib(i, false);
    cnnLogits(quantised, x, 0, lg);
    valLogits.set(lg, v * C);
    mlpForward(mlp, x, 0, pm);
    for (let k = 0; k < C; k++) valMlp[v * C + k] = Math.log(Math.max(1e-30, pm[k] as number));
  });
}
/** Mean NLL and accuracy of the scores `s(v, k) / T` over the held-out glyphs. */
function fit(score: (v: number, k: number) => number, T: number): { nll: number; acc: number } {
  let nll = 0;
  let ok = 0;
  for (let v = 0; v < nCal; v++) {
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < C; k++) {
      const sv = score(v, k) / T;
      if (sv > max) {
        max = sv;
        arg = k;
      }
    }
    let z = 0;
    for (let k = 0; k < C; k++) z += Math.exp(score(v, k) / T - max);
    nll -= score(v, valLabel[v] as number) / T - max - Math.log(z);
    if (arg === valLabel[v]) ok++;
  }
  return { nll: nll / nCal, acc: ok / nCal };
}
function bestT(score: (v: number, k: number) => number): { T: number; nll: number; acc: number } {
  let best = { T: 1, nll: Infinity, acc: 0 };
  for (let T = 0.3; T <= 3.001; T += 0.05) {
    const r = fit(score, T);
    if (r.nll < best.nll) best = { T, ...r };
  }
  return best;
}
const cnnFit = bestT((v, k) => valLogits[v * C + k] as number);
// The ensemble's pool: the CNN's share a (0.5 = the plain geometric mean) and its temperature.
let ensFit = { T: 1, nll: Infinity, acc: 0, share: 0.5 };
for (const a of FIXED_SHARE > 0 ? [FIXED_SHARE] : Array.from({ length: 11 }, (_, i) => 0.3 + 0.05 * i)) {
  const r = bestT((v, k) => (a * (valLogits[v * C + k] as number)) / cnnFit.T + (1 - a) * (valMlp[v * C + k] as number));
  if (r.nll < ensFit.nll) ensFit = { ...r, share: a };
}
const mlpFit = fit((v, k) => valMlp[v * C + k] as number, 1);
process.stderr.write(
  `quantised, ${CALIB ? `calibration ${CALIB}` : 'held-out'} ${nCal}: cnn acc ${(cnnFit.acc * 100).toFixed(2)}% nll ${cnnFit.nll.toFixed(4)} at T ${cnnFit.T.toFixed(2)}; ensemble acc ${(ensFit.acc * 100).toFixed(2)}% nll ${ensFit.nll.toFixed(4)} at T ${ensFit.T.toFixed(2)}, cnn share ${ensFit.share.toFixed(2)}; mlp acc ${(mlpFit.acc * 100).toFixed(2)}% nll ${mlpFit.nll.toFixed(4)}\n`,
);

// ---- pack (cnn.ts decodeCnn): float32 scale and bias per layer, then the int8 weights per layer
const nF = shapes.reduce((a, [r]) => a + 2 * r, 0);
const bytes = new Uint8Array(nF * 4 + qs.reduce((a, q) => a + q.q.length, 0));
const dv = new DataView(bytes.buffer);
let off = 0;
qs.forEach(({ scale }, l) => {
  for (const f of [scale, Bs[l] as Float32Array]) for (const v of f) {
    dv.setFloat32(off, v, true);
    off += 4;
  }
});
for (const { q } of qs) {
  bytes.set(new Uint8Array(q.buffer), off);
  off += q.length;
}
const b64 = Buffer.from(bytes).toString('base64');
writeFileSync(
  OUT,
  `// Generated by scripts/mrz/train-cnn.ts (seed ${SEED}, ${EPOCHS} epochs, --c1 ${C1} --c2 ${C2} --dense ${DH} --blur ${BLUR} --lr ${LR}${PAIR_W > 0 ? ` --pair-weight ${PAIR_W}` : ''}${EXTRA_PAIRS.length > 0 ? ` --pairs ${EXTRA_PAIRS.map((p) => p.join('/')).join(',')}` : ''}${MLP_OFFSET > 0 ? ` --mlp-offset ${MLP_OFFSET}` : ''}${INIT ? ` --init ${INIT}` : ''}, ${N} glyphs). Do not edit.
// Data: ${dataFiles.join(', ')}. ${CALIB ? `Calibration ${CALIB}` : 'Held-out'} (${nCal} records) accuracy after int8 quantisation: ${(cnnFit.acc * 100).toFixed(2)}% at
// temperature ${cnnFit.T.toFixed(2)}; ensemble with ${MLP_FILE}: ${(ensFit.acc * 100).toFixed(2)}% at temperature ${ensFit.T.toFixed(2)}, CNN share ${ensFit.share.toFixed(2)}.

/** Packed int8 weights of the second-opinion glyph CNN (see cnn.ts for the layout). */
export const CNN_MODEL = {
  conv1: ${C1},
  conv2: ${C2},
  dense: ${DH},
  outputs: ${C},
  temperature: ${cnnFit.T.toFixed(3)},
  ensembleTemperature: ${ensFit.T.toFixed(3)},
  ensembleCnnShare: ${ensFit.share.toFixed(2)},
  data:
    '${b64}',
} as const;
`,
);
process.stderr.write(`wrote ${OUT} (${bytes.length} bytes, ${b64.length} base64 chars)\n`);
