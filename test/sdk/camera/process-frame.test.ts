/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { downscalePlane, processFrame, type ReadMrzFunction } from '../../../sdk/mrz/worker-frames.ts';
import type { GrayImage, MrzImageResult, Point, RgbaImage } from '../../../sdk/mrz/types.ts';
import { characterPitch } from '../../../sdk/mrz/region.ts';
import { imageResult } from './fixtures.ts';

/** A frame with one black rectangle (the "band") at a known place on white. */
async function frameWithBlock(w: number, h: number, block: { x: number; y: number; width: number; height: number }): Promise<ImageBitmap> {
  const canvas = new OffscreenCanvas(w, h);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  ctx.fillStyle = '#000';
  ctx.fillRect(block.x, block.y, block.width, block.height);
  return createImageBitmap(canvas);
}

/**
 * A geometric stand-in for the engine: finds the black block in the pixels it is given and reports
 * its corners, but only when the block is wider than tall (upright), like a real MRZ band.
 */
function blockFinder(seen: { width: number; height: number }[]): ReadMrzFunction {
  return (image: RgbaImage | GrayImage): MrzImageResult | null => {
    seen.push({ width: image.width, height: image.height });
    const bpp = image.data.length / (image.width * image.height); // 4 for RGBA, 1 for luma
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < image.height; y++) {
      for (let x = 0; x < image.width; x++) {
        if ((image.data[(y * image.width + x) * bpp] as number) < 64) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x + 1);
          y1 = Math.max(y1, y + 1);
        }
      }
    }
    if (x1 < 0 || x1 - x0 < 2 * (y1 - y0)) return null;
    const corners: [Point, Point, Point, Point] = [
      { x: x0, y: y0 },
      { x: x1, y: y0 },
      { x: x1, y: y1 },
      { x: x0, y: y1 },
    ];
    return { ...imageResult(), corners };
  };
}

function bbox(points: readonly Point[]): { x0: number; y0: number; x1: number; y1: number } {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** An I420 `VideoFrame` (as cameras deliver them) with one black block on white. */
function i420WithBlock(w: number, h: number, block: { x: number; y: number; width: number; height: number }): VideoFrame {
  const data = new Uint8Array(w * h * 1.5).fill(128);
  data.fill(235, 0, w * h);
  for (let y = block.y; y < block.y + block.height; y++) data.fill(16, y * w + block.x, y * w + block.x + block.width);
  return new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
}

describe('sdk/mrz processFrame (worker frame handling)', () => {
  it('reads YUV camera frames from their luma plane: region crop, downscale, corners in frame pixels', async () => {
    const seen: { width: number; height: number }[] = [];
    const bytes: number[] = [];
    const finder = blockFinder(seen);
    const frame = i420WithBlock(640, 360, { x: 160, y: 240, width: 320, height: 40 });
    const res = await processFrame({ frame, region: { x: 101, y: 121, width: 500, height: 200 }, maxSide: 250, cropBand: true }, (image, o) => {
      bytes.push(image.data.length / (image.width * image.height));
      return finder(image, o);
    });
    expect(seen).to.deep.equal([{ width: 250, height: 100 }]);
    expect(bytes).to.deep.equal([1]); // greyscale, not RGBA
    const b = bbox(res.result!.corners);
    expect(Math.abs(b.x0 - 160)).to.be.lessThan(3);
    expect(Math.abs(b.x1 - 480)).to.be.lessThan(3);
    expect(Math.abs(b.y0 - 240)).to.be.lessThan(3);
    expect(Math.abs(b.y1 - 280)).to.be.lessThan(3);
    expect(res.band?.type).to.equal('image/jpeg');
    expect(frame.format).to.equal(null); // closed
  });

  it('passes on the MRZ the engine saw without a valid read, in frame pixels (its pitch as the engine saw it), and never with a valid read', async () => {
    const finder = blockFinder([]);
    /** An engine that sees the block as a TD3 band and reads it as `read` says. */
    const sighter = (read: 'none' | 'invalid' | 'valid'): ReadMrzFunction => (image, options) => {
      const found = finder(image, options) as MrzImageResult | null;
      if (!found) return null;
      if (read !== 'valid') options.onSighting?.({ corners: found.corners, lineLength: 44, confidence: 0.01, pitch: characterPitch(found.corners, 44), blur: 0.15 });
      return read === 'none' ? null : { ...found, valid: read === 'valid' };
    };
    const block = { x: 160, y: 240, width: 320, height: 40 };
    for (const read of ['none', 'invalid'] as const) {
      // The luma path (region and downscale) and the canvas path (rotations).
      const luma = await processFrame({ frame: i420WithBlock(640, 360, block), region: { x: 101, y: 121, width: 500, height: 200 }, maxSide: 250 }, sighter(read));
      const turned = await processFrame({ frame: await frameWithBlock(640, 360, block), rotations: true, maxSide: 320 }, sighter(read));
      // Both read at half size (the 500-pixel region at 250, the 640-pixel frame at 320): the
      // engine saw the 320-pixel block 160 pixels wide.
      for (const res of [luma, turned]) {
        expect(res.sighting?.lineLength).to.equal(44);
        const b = bbox(res.sighting!.corners);
        [b.x0 - 160, b.y0 - 240, b.x1 - 480, b.y1 - 280].forEach((d) => expect(Math.abs(d)).to.be.lessThan(3));
        expect(res.sighting!.pitch).to.be.closeTo(160 / 44, 0.2);
      }
    }
    const valid = await processFrame({ frame: i420WithBlock(640, 360, block) }, sighter('valid'));
    expect(valid.result?.valid).to.equal(true);
    expect(valid.sighting).to.equal(undefined);
    const nothing = await processFrame({ frame: i420WithBlock(640, 360, { x: 0, y: 0, width: 10, height: 40 }) }, sighter('none'));
    expect(nothing.sighting).to.equal(undefined);
  });

  it('crops the band of an I420 frame in colour by drawing a view of the band only, not the whole frame', async () => {
    const w = 640;
    const h = 360;
    // White page (BT.709 limited range), a band from x 160 to 480 and y 240 to 280: black on the left half, red on the right.
    const data = new Uint8Array(w * h * 1.5).fill(128);
    data.fill(235, 0, w * h);
    for (let y = 240; y < 280; y++) {
      data.fill(16, y * w + 160, y * w + 320);
      data.fill(63, y * w + 320, y * w + 480);
    }
    for (let cy = 120; cy < 140; cy++) {
      data.fill(102, w * h + cy * (w / 2) + 160, w * h + cy * (w / 2) + 240);
      data.fill(240, w * h * 1.25 + cy * (w / 2) + 160, w * h * 1.25 + cy * (w / 2) + 240);
    }
    const frame = new VideoFrame(data, {
      format: 'I420',
      codedWidth: w,
      codedHeight: h,
      timestamp: 0,
      colorSpace: { matrix: 'bt709', primaries: 'bt709', transfer: 'bt709', fullRange: false },
    });
    const proto = OffscreenCanvasRenderingContext2D.prototype;
    const draw = proto.drawImage;
    const drawn: unknown[] = [];
    proto.drawImage = function (this: OffscreenCanvasRenderingContext2D, ...args: unknown[]) {
      // The visible rect of each VideoFrame drawn (read now: the view is closed right after).
      const source = args[0];
      const r = source instanceof VideoFrame ? source.visibleRect : null;
      drawn.push(r ? { x: r.x, y: r.y, width: r.width, height: r.height } : source);
      return (draw as (...a: unknown[]) => void).apply(this, args);
    } as typeof draw;
    let res;
    try {
      res = await processFrame({ frame, cropBand: true }, blockFinder([]));
    } finally {
      proto.drawImage = draw;
    }
    // One draw: a view of the padded band (x 150-490, y 234-286), not the 640x360 frame.
    expect(drawn).to.deep.equal([{ x: 150, y: 234, width: 340, height: 52 }]);
    const bmp = await createImageBitmap(res.band!);
    // The band padded by 3% of its width and 15% of its height.
    expect([bmp.width, bmp.height]).to.deep.equal([340, 52]);
    const c = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
    c.drawImage(bmp, 0, 0);
    const at = (x: number, y: number): number[] => [...c.getImageData(x, y, 1, 1).data.slice(0, 3)];
    const near = (got: number[], want: number[]): boolean => got.every((v, i) => Math.abs(v - (want[i] as number)) < 40);
    expect(near(at(60, 26), [0, 0, 0]), `black ${at(60, 26).join()}`).to.equal(true);
    expect(near(at(260, 26), [255, 0, 0]), `red ${at(260, 26).join()}`).to.equal(true);
    expect(near(at(170, 2), [255, 255, 255]), `white ${at(170, 2).join()}`).to.equal(true);
  });

  it('crops a band at odd coordinates exactly: the view widens to even coordinates, the image does not', async () => {
    const w = 640;
    const h = 360;
    // Black band x 161-481, y 241-281 on white (BT.601 full range, chroma neutral).
    const data = new Uint8Array(w * h * 1.5).fill(128);
    data.fill(255, 0, w * h);
    for (let y = 241; y < 281; y++) data.fill(0, y * w + 161, y * w + 481);
    const frame = new VideoFrame(data, { format: 'I420', codedWidth: w, codedHeight: h, timestamp: 0 });
    const res = await processFrame({ frame, cropBand: true }, blockFinder([]));
    const bmp = await createImageBitmap(res.band!);
    // Padded box: x 151.4-490.6 -> 151-491, y 235-287.
    expect([bmp.width, bmp.height]).to.deep.equal([340, 52]);
    const c = new OffscreenCanvas(bmp.width, bmp.height).getContext('2d')!;
    c.drawImage(bmp, 0, 0);
    const lum = (x: number, y: number): number => c.getImageData(x, y, 1, 1).data[0] as number;
    // The band starts 10 px in (161 - 151) and 6 px down (241 - 235): paper before, ink after.
    expect(lum(7, 26)).to.be.greaterThan(180);
    expect(lum(13, 26)).to.be.lessThan(80);
    expect(lum(170, 3)).to.be.greaterThan(180);
    expect(lum(170, 9)).to.be.lessThan(80);
  });

  it('downscalePlane averages the source block each output pixel covers', () => {
    // 4x2 plane with a stride of 6: rows [0 10 20 30 x x], [40 50 60 70 x x]
    const src = new Uint8Array([0, 10, 20, 30, 99, 99, 40, 50, 60, 70, 99, 99]);
    expect([...downscalePlane(src, 0, 6, 4, 2, 2, 1)]).to.deep.equal([25, 45]);
    expect([...downscalePlane(src, 0, 6, 4, 2, 4, 2)]).to.deep.equal([0, 10, 20, 30, 40, 50, 60, 70]);
    expect([...downscalePlane(src, 1, 6, 2, 2, 1, 1)]).to.deep.equal([35]);
  });

  it('maps corners back to frame coordinates through a region crop', async () => {
    const seen: { width: number; height: number }[] = [];
    const frame = await frameWithBlock(400, 300, { x: 120, y: 200, width: 200, height: 30 });
    const res = await processFrame({ frame, region: { x: 100, y: 150, width: 250, height: 120 }, cropBand: true }, blockFinder(seen));
    expect(seen).to.deep.equal([{ width: 250, height: 120 }]);
    const b = bbox(res.result!.corners);
    expect(b).to.deep.equal({ x0: 120, y0: 200, x1: 320, y1: 230 });
    expect(res.frameWidth).to.equal(400);
    expect(res.band?.type).to.equal('image/jpeg');
    expect(res.band!.size).to.be.greaterThan(100);
  });

  it('downscales large frames and scales the corners back', async () => {
    const seen: { width: number; height: number }[] = [];
    const frame = await frameWithBlock(800, 400, { x: 200, y: 300, width: 400, height: 40 });
    const res = await processFrame({ frame, maxSide: 400 }, blockFinder(seen));
    expect(seen).to.deep.equal([{ width: 400, height: 200 }]);
    const b = bbox(res.result!.corners);
    expect(Math.abs(b.x0 - 200)).to.be.lessThan(3);
    expect(Math.abs(b.x1 - 600)).to.be.lessThan(3);
    expect(Math.abs(b.y0 - 300)).to.be.lessThan(3);
    expect(Math.abs(b.y1 - 340)).to.be.lessThan(3);
  });

  it('tries quarter turns for photos and maps the corners of a sideways band back', async () => {
    const seen: { width: number; height: number }[] = [];
    // A vertical band: only readable after a quarter turn.
    const frame = await frameWithBlock(300, 400, { x: 40, y: 50, width: 30, height: 260 });
    const res = await processFrame({ frame, rotations: true }, blockFinder(seen));
    expect(seen.length).to.equal(2); // upright failed, first quarter turn found it
    expect(seen[1]).to.deep.equal({ width: 400, height: 300 });
    const b = bbox(res.result!.corners);
    expect(Math.abs(b.x0 - 40)).to.be.lessThan(2);
    expect(Math.abs(b.x1 - 70)).to.be.lessThan(2);
    expect(Math.abs(b.y0 - 50)).to.be.lessThan(2);
    expect(Math.abs(b.y1 - 310)).to.be.lessThan(2);
  });

  it('without rotations a sideways band is not found, and the frame is closed either way', async () => {
    const frame = await frameWithBlock(300, 400, { x: 40, y: 50, width: 30, height: 260 });
    const res = await processFrame({ frame }, blockFinder([]));
    expect(res.result).to.equal(null);
    expect(res.band).to.equal(null);
    expect(frame.width).to.equal(0); // closed bitmaps report 0 x 0
  });

  it('hands the time budget to the engine and says when a frame ran past it without a valid read', async () => {
    const slow = (result: MrzImageResult | null, ms: number, budgets: (number | undefined)[]): ReadMrzFunction => (_image, options) => {
      budgets.push(options.budgetMs);
      const end = performance.now() + ms;
      while (performance.now() < end) {
        /* the engine's looks */
      }
      return result;
    };
    const budgets: (number | undefined)[] = [];
    const block = { x: 10, y: 10, width: 40, height: 10 };
    const cut = await processFrame({ frame: await frameWithBlock(60, 40, block), budgetMs: 5 }, slow(null, 20, budgets));
    expect(cut.outOfTime).to.equal(true);
    // Within its budget, or read validly however long it took, or without a budget: not out of time.
    const inTime = await processFrame({ frame: await frameWithBlock(60, 40, block), budgetMs: 5000 }, slow(null, 1, budgets));
    expect(inTime.outOfTime).to.equal(undefined);
    const readLate = await processFrame({ frame: await frameWithBlock(60, 40, block), budgetMs: 5 }, slow(imageResult(), 20, budgets));
    expect(readLate.result?.valid).to.equal(true);
    expect(readLate.outOfTime).to.equal(undefined);
    const unlimited = await processFrame({ frame: await frameWithBlock(60, 40, block) }, slow(null, 20, budgets));
    expect(unlimited.outOfTime).to.equal(undefined);
    expect(budgets).to.deep.equal([5, 5000, 5, undefined]);
  });

  it('answers a thumbnail of the region read when asked: the block is the dark part', async () => {
    const frame = await frameWithBlock(320, 180, { x: 0, y: 0, width: 160, height: 90 });
    const res = await processFrame({ frame, thumbnail: true }, blockFinder([]));
    const t = res.thumbnail!;
    expect(t.length).to.equal(32 * 18);
    expect(t[0]).to.be.lessThan(10); // top left: the block
    expect(t[31]).to.be.greaterThan(245); // top right: paper
    expect(t[17 * 32 + 31]).to.be.greaterThan(245);
    const plain = await processFrame({ frame: await frameWithBlock(320, 180, { x: 0, y: 0, width: 160, height: 90 }) }, blockFinder([]));
    expect(plain.thumbnail).to.equal(undefined);
  });

  it('lifts the time budget when the frame\'s thumbnail is that of the previous frame (a still picture), not when it moved', async () => {
    const budgets: (number | undefined)[] = [];
    const engine: ReadMrzFunction = (_image, options) => (budgets.push(options.budgetMs), null);
    const block = { x: 0, y: 0, width: 160, height: 90 };
    const first = await processFrame({ frame: await frameWithBlock(320, 180, block), budgetMs: 100, thumbnail: true }, engine);
    const still = await processFrame({ frame: await frameWithBlock(320, 180, block), budgetMs: 100, previousThumbnail: first.thumbnail! }, engine);
    const moved = await processFrame({ frame: await frameWithBlock(320, 180, { ...block, x: 160 }), budgetMs: 100, previousThumbnail: first.thumbnail! }, engine);
    expect(budgets).to.deep.equal([100, undefined, 100]);
    expect(still.thumbnail?.length).to.equal(32 * 18);
    expect(moved.outOfTime).to.equal(undefined);
  });

  it('rethrows engine failures after closing the frame', async () => {
    const frame = await frameWithBlock(50, 50, { x: 0, y: 0, width: 1, height: 1 });
    let caught: unknown;
    try {
      await processFrame({ frame }, () => {
        throw new Error('boom');
      });
    } catch (e) {
      caught = e;
    }
    expect((caught as Error).message).to.equal('boom');
    expect(frame.width).to.equal(0);
  });
});
