/**
 * Widening a trained second-opinion CNN (sdk/mrz/cnn.ts) into a net with at least as many units
 * per layer, for scripts/mrz/train-cnn.ts `--init` with a smaller net (session 17).
 * @module
 */
import { POOL2_H, POOL2_W, type Cnn } from '../../sdk/mrz/cnn.ts';

/**
 * Copies `init` into the parameters `w` / `b` of a `c1`/`c2`/`dense` net (cnn.ts layout, as
 * `cnnShapes`; `w` already holds the new units' random incoming weights): the old units keep their
 * weights and biases, a new unit keeps its incoming weights and gets zero outgoing weights (and a
 * zero bias), so the widened net computes `init`'s logits and the new units start learning from
 * there (their outgoing weights take gradients at once).
 */
export function widenInto(init: Cnn, c1: number, c2: number, dense: number, w: readonly Float32Array[], b: readonly Float32Array[]): void {
  const [o1, o2, od, classes] = [init.conv1, init.conv2, init.dense, init.outputs];
  if (o1 > c1 || o2 > c2 || od > dense) throw new Error(`net ${o1}/${o2}/${od} does not fit ${c1}/${c2}/${dense}`);
  const area2 = POOL2_H * POOL2_W;
  const [v0, v1, v2, v3] = init.w;
  const [n0, n1, n2, n3] = w as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < o1 * 9; i++) n0[i] = v0[i] as number;
  for (let oc = 0; oc < o2; oc++) {
    for (let ic = 0; ic < c1; ic++) for (let t = 0; t < 9; t++) n1[(oc * c1 + ic) * 9 + t] = ic < o1 ? (v1[(oc * o1 + ic) * 9 + t] as number) : 0;
  }
  for (let j = 0; j < od; j++) {
    for (let i = 0; i < c2 * area2; i++) n2[j * c2 * area2 + i] = i < o2 * area2 ? (v2[j * o2 * area2 + i] as number) : 0;
  }
  for (let k = 0; k < classes; k++) for (let j = 0; j < dense; j++) n3[k * dense + j] = j < od ? (v3[k * od + j] as number) : 0;
  init.b.forEach((bias, l) => {
    const dst = b[l] as Float32Array;
    dst.fill(0);
    dst.set(bias);
  });
}
