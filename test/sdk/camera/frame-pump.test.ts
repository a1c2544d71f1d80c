/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { openCamera, type CameraSession } from '../../../sdk/camera/camera.ts';
import { FramePump } from '../../../sdk/camera/frame-pump.ts';
import type { FrameReadResponse } from '../../../sdk/camera/frame-reader.ts';
import { createWorkerFrameReader } from '../../../sdk/camera/worker-reader.ts';
import type { FrameReader } from '../../../sdk/camera/frame-reader.ts';
import { ScriptedReader, spyClones, until } from './fixtures.ts';

/** Runs `run` with every clone of a camera track recorded. */
async function withCloneSpy<T>(run: (clones: MediaStreamTrack[]) => Promise<T>): Promise<T> {
  const spy = spyClones();
  try {
    return await run(spy.clones);
  } finally {
    spy.restore();
  }
}

describe('sdk/camera FramePump', () => {
  let session: CameraSession | null = null;
  let video: HTMLVideoElement;
  beforeEach(async () => {
    session = await openCamera({ width: 640, height: 480 });
    video = document.createElement('video');
    video.muted = true;
    video.srcObject = session.stream;
    document.body.append(video);
    await video.play();
  });
  afterEach(() => {
    session?.stop();
    video.remove();
  });

  it('hands frames to the reader one at a time and skips frames while it is busy', async () => {
    const reader = new ScriptedReader(() => null, 150);
    const responses: FrameReadResponse[] = [];
    const pump = new FramePump({ video, reader, onResponse: (r) => responses.push(r) });
    pump.start();
    await until(() => reader.calls >= 4, 8000, '4 reads');
    pump.stop();
    const stats = pump.stats;
    expect(reader.maxInFlight).to.equal(1);
    expect(stats.skipped).to.be.greaterThan(0);
    expect(stats.offered).to.be.greaterThan(stats.processed);
    expect(responses[0]?.frameWidth).to.equal(video.videoWidth);
    expect(stats.firstFrameAt).to.be.a('number');
    // A reader without openTrack: frames come from the video even when the track is offered.
    expect(stats.mode).to.equal('video');
  });

  describe('track mode (the worker reads the camera track)', () => {
    let reader: FrameReader;
    beforeEach(() => {
      reader = createWorkerFrameReader();
    });
    afterEach(() => reader.dispose());

    /** A started track-mode pump over the session's track, once `frames` frames were read in the worker. */
    async function trackPump(frames: number): Promise<{ pump: FramePump; responses: FrameReadResponse[]; track: MediaStreamTrack | null }> {
      const responses: FrameReadResponse[] = [];
      const track = session?.track ?? null;
      const pump = new FramePump({ video, reader, track: () => track, request: () => ({ maxSide: 320 }), onResponse: (r) => responses.push(r) });
      pump.start();
      await until(() => responses.length >= frames, 15000, `${frames} frames read in the worker`);
      return { pump, responses, track };
    }

    it('reads frames in the worker from a clone of the track and ends the clone on stop()', async () => {
      await withCloneSpy(async (clones) => {
        const { pump, responses, track } = await trackPump(3);
        expect(pump.stats.mode).to.equal('track');
        expect(clones.length).to.equal(1);
        expect(clones[0]?.readyState).to.equal('live');
        expect(responses[0]?.frameWidth).to.equal(640);
        expect(responses[0]?.timings.wait).to.be.a('number');
        expect(responses[0]?.frameTimestamp).to.be.a('number');
        // Each read takes a newer camera frame.
        expect((responses[2]?.frameTimestamp ?? 0) > (responses[1]?.frameTimestamp ?? 0)).to.equal(true);
        pump.stop();
        expect(clones[0]?.readyState).to.equal('ended');
        expect(track?.readyState).to.equal('live'); // the page's own track is the scanner's to stop
      });
    });

    it('halt() stops reading at once and leaves the clone to stop() (or the next start())', async () => {
      await withCloneSpy(async (clones) => {
        const { pump, responses } = await trackPump(2);
        pump.halt();
        const answered = responses.length;
        expect(pump.running).to.equal(false);
        expect(clones[0]?.readyState).to.equal('live');
        await new Promise((r) => setTimeout(r, 300));
        // A read in flight at halt() is dropped; none follows.
        expect(responses.length).to.equal(answered);
        pump.start();
        expect(clones[0]?.readyState).to.equal('ended');
        await until(() => responses.length > answered, 15000, 'reads after the restart');
        expect(clones.length).to.equal(2);
        pump.stop();
        expect(clones[1]?.readyState).to.equal('ended');
      });
    });

    it('falls back to video frames when the worker loses the track stream', async () => {
      await withCloneSpy(async (clones) => {
        let n = 0;
        const pump = new FramePump({ video, reader, track: () => session?.track, request: () => ({ maxSide: 320 }), onResponse: () => n++ });
        pump.start();
        await until(() => n >= 1, 15000, 'a frame read in the worker');
        clones[0]?.stop();
        const before = n;
        await until(() => pump.stats.mode === 'video' && n >= before + 2, 15000, 'video frames after the stream ended');
        expect(pump.stats.failed).to.equal(0);
        pump.stop();
      });
    });

    it('disposing the reader ends the clone', async () => {
      await withCloneSpy(async (clones) => {
        const pump = new FramePump({ video, reader, track: () => session?.track, onResponse: () => undefined });
        pump.start();
        expect(clones.length).to.equal(1);
        reader.dispose();
        expect(clones[0]?.readyState).to.equal('ended');
        pump.stop();
      });
    });
  });

  it('passes the per-frame request fields and stops delivering after stop()', async () => {
    const reader = new ScriptedReader(() => null, 0);
    let delivered = 0;
    const pump = new FramePump({
      video,
      reader,
      request: (w, h) => ({ formats: ['TD3'], region: { x: 0, y: 0, width: w / 2, height: h / 2 } }),
      onResponse: () => delivered++,
    });
    pump.start();
    await until(() => delivered >= 2, 8000, '2 responses');
    pump.stop();
    expect(pump.running).to.equal(false);
    expect(reader.requests[0]?.formats).to.deep.equal(['TD3']);
    expect(reader.requests[0]?.region?.width).to.equal(video.videoWidth / 2);
    const after = delivered;
    await new Promise((r) => setTimeout(r, 300));
    expect(delivered - after).to.be.lessThan(2); // at most the frame already in flight
    const calls = reader.calls;
    await new Promise((r) => setTimeout(r, 200));
    expect(reader.calls).to.equal(calls);
  });

  it('keeps running when a read fails and reports the error', async () => {
    let n = 0;
    const reader = new ScriptedReader(() => {
      n++;
      if (n === 1) throw new Error('engine hiccup');
      return null;
    });
    const errors: unknown[] = [];
    let ok = 0;
    const pump = new FramePump({ video, reader, onResponse: () => ok++, onError: (e) => errors.push(e) });
    pump.start();
    await until(() => ok >= 2, 8000, 'recovery');
    pump.stop();
    expect(errors.length).to.equal(1);
    expect(pump.stats.failed).to.equal(1);
  });
});
