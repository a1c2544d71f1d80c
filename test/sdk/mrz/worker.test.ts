// The MRZ engine in a real module Web Worker in headless Chromium, through the typed client.
import { expect } from '@open-wc/testing';
import { createMrzWorkerClient, MrzWorkerError } from '../../../sdk/mrz/worker-client.ts';
import { readMrz } from '../../../sdk/mrz/engine.ts';
import { WARM_UP_STEPS, warmUpClassifier, warmUpEngine, type ReadMrzFunction, type WarmUpStep } from '../../../sdk/mrz/worker-frames.ts';
import { WARM_UP_LINES } from '../../../sdk/mrz/worker-warm-up.ts';
import type { GrayImage, MrzImageResult, RgbaImage } from '../../../sdk/mrz/types.ts';

async function frame(url: URL): Promise<ImageData> {
  const blob = await (await fetch(url)).blob();
  const bmp = await createImageBitmap(blob);
  const c = new OffscreenCanvas(bmp.width, bmp.height);
  const ctx = c.getContext('2d') as OffscreenCanvasRenderingContext2D;
  ctx.drawImage(bmp, 0, 0);
  return ctx.getImageData(0, 0, bmp.width, bmp.height);
}

describe('MRZ worker', () => {
  it('reads a synthetic passport frame in the worker', async () => {
    const fixture = new URL('../../fixtures/mrz/synthetic-td3.jpg', import.meta.url);
    const truth = (await (await fetch(new URL('../../fixtures/mrz/synthetic-td3.json', import.meta.url))).json()) as { lines: string[] };
    const client = createMrzWorkerClient();
    try {
      const img = await frame(fixture);
      const { result, timings } = await client.read(img);
      expect(result).to.not.equal(null);
      expect(result?.lines).to.deep.equal(truth.lines);
      expect(result?.valid).to.equal(true);
      expect(timings.total).to.be.greaterThan(0);
      // The buffer was transferred (zero copy).
      expect(img.data.byteLength).to.equal(0);
    } finally {
      client.terminate();
    }
  });

  it('answers null for a blank frame and a typed error for a malformed one', async () => {
    const client = createMrzWorkerClient({ transfer: false });
    try {
      const blank = new ImageData(320, 240);
      blank.data.fill(255);
      const { result } = await client.read(blank);
      expect(result).to.equal(null);
      let err: unknown = null;
      try {
        await client.read({ width: 10, height: 10, data: new Uint8Array(3) });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(MrzWorkerError);
      expect((err as MrzWorkerError).code).to.equal('bad-request');
      const rec = await client.recognize(blank);
      expect(rec.candidates).to.deep.equal([]);
    } finally {
      client.terminate();
    }
  });

  it('rejects pending and later requests after terminate', async () => {
    const client = createMrzWorkerClient({ transfer: false });
    const blank = new ImageData(64, 64);
    const p = client.read(blank);
    client.terminate();
    let code = '';
    try {
      await p;
    } catch (e) {
      code = (e as MrzWorkerError).code;
    }
    expect(code).to.equal('terminated');
    let code2 = '';
    try {
      await client.read(blank);
    } catch (e) {
      code2 = (e as MrzWorkerError).code;
    }
    expect(code2).to.equal('terminated');
  });

  /** Warms up with `steps` through the real engine, recording every image it read and every result. */
  async function recordedWarmUp(steps: readonly WarmUpStep[]): Promise<{ runs: number; images: (RgbaImage | GrayImage)[]; results: (MrzImageResult | null)[] }> {
    const images: (RgbaImage | GrayImage)[] = [];
    const results: (MrzImageResult | null)[] = [];
    const engine: ReadMrzFunction = (image, options) => {
      images.push(image);
      const r = readMrz(image, options);
      results.push(r);
      return r;
    };
    return { runs: await warmUpEngine(engine, () => false, steps), images, results };
  }

  it('warms up through the whole pipeline: every run is a valid, parsed read of the stored MRZ', async () => {
    const { runs, images, results } = await recordedWarmUp(['band', 'band']);
    expect(runs).to.equal(2);
    expect(results).to.have.length(2);
    // The stored 16 px-per-character image area-averaged to 3/4 like a camera frame's luma plane:
    // greyscale with anti-aliased edges.
    for (const image of images) {
      expect([image.width, image.height, image.data.length]).to.deep.equal([576, 72, 576 * 72]);
      expect([...image.data].some((v) => v > 0 && v < 255)).to.equal(true);
    }
    for (const r of results) {
      // Located, rectified, segmented, classified, check digits passed and the fields parsed.
      expect(r?.valid).to.equal(true);
      expect(r?.lines).to.deep.equal([...WARM_UP_LINES]);
      expect(r?.format).to.equal('TD3');
      expect(r?.fields.documentNumber).to.equal('L898902C3');
      expect(r?.fields.birthDate).to.equal('1974-08-12');
    }
  });

  it('warms the camera paths up on a camera-sized frame: whole frame with the band crop, then around the MRZ found', async () => {
    const { runs, images, results } = await recordedWarmUp(['frame', 'region']);
    expect(runs).to.equal(2);
    // The 1280x720 frame read at 960 px (as the scanner reads), then a window around the band only.
    expect([images[0]?.width, images[0]?.height]).to.deep.equal([960, 540]);
    const region = images[1] as GrayImage;
    expect(region.width * region.height).to.be.lessThan((960 * 540) / 3);
    for (const r of results) expect(r?.lines).to.deep.equal([...WARM_UP_LINES]);
  });

  it('stops warming up between runs once a real request waits', async () => {
    let calls = 0;
    let waiting = false;
    const runs = await warmUpEngine(() => {
      calls++;
      waiting = true;
      return null;
    }, () => waiting, ['band', 'band', 'band']);
    expect(runs).to.equal(1);
    expect(calls).to.equal(1);
  });

  it('skips the engine run of a frame step when a request arrived during its pixel copy', async () => {
    let calls = 0;
    let checks = 0;
    // False before the step, true once the frame's pixels were copied (the copy yields to the event loop).
    const runs = await warmUpEngine(() => {
      calls++;
      return null;
    }, () => ++checks > 1, ['frame', 'region']);
    expect(calls).to.equal(0);
    expect(runs).to.equal(0);
  });

  it('warms the classifier up in slices, stopping at the first slice after a frame arrives', async () => {
    expect(await warmUpClassifier(() => false, 3, 4)).to.equal(3);
    // Interrupted before anything: not even the model decode.
    expect(await warmUpClassifier(() => true, 3, 4)).to.equal(0);
    let checks = 0;
    // A frame arriving during the first batch: it finishes, no second one starts.
    expect(await warmUpClassifier(() => ++checks > 2, 5, 4)).to.equal(1);
  });

  it('a delayed warm-up runs every step when no scan starts meanwhile', async () => {
    const client = createMrzWorkerClient();
    try {
      expect(await client.warmUp({ delay: 50 })).to.equal(WARM_UP_STEPS.length);
    } finally {
      client.terminate();
    }
  });

  it('a scan starting within the delay skips the warm-up: no step runs', async () => {
    const client = createMrzWorkerClient();
    try {
      const warm = client.warmUp({ delay: 300 });
      client.stopWarmUp();
      expect(await warm).to.equal(0);
    } finally {
      client.terminate();
    }
  });

  it('answers a warm-up request with the runs done in the worker', async () => {
    const client = createMrzWorkerClient();
    try {
      expect(await client.warmUp()).to.equal(WARM_UP_STEPS.length);
      // Idempotent: the same answer, no second warm-up.
      expect(await client.warmUp()).to.equal(WARM_UP_STEPS.length);
    } finally {
      client.terminate();
    }
  });
});
