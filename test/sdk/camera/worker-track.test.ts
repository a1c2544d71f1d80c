/// <reference types="mocha" />
// The MRZ worker reading a camera track itself (MediaStreamTrackProcessor stream transferred to it),
// through the typed client, with Chromium's fake camera.
import { expect } from '@open-wc/testing';
import { openCamera, type CameraSession } from '../../../sdk/camera/camera.ts';
import { createMrzWorkerClient, MrzWorkerError, type MrzWorkerClient } from '../../../sdk/mrz/worker-client.ts';
import { createWorkerFrameReader } from '../../../sdk/camera/worker-reader.ts';
import { spyClones } from './fixtures.ts';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  return null;
}

describe('MRZ worker: camera track read in the worker', () => {
  let session: CameraSession;
  let client: MrzWorkerClient;
  beforeEach(async () => {
    session = await openCamera({ width: 640, height: 480 });
    client = createMrzWorkerClient();
  });
  afterEach(() => {
    client.terminate();
    session.stop();
  });

  it("the worker frame reader's prepare() waits out its delay and beginScan() cancels it", async () => {
    const reader = createWorkerFrameReader({ client, warmUpDelay: 300 });
    try {
      void reader.prepare?.();
      reader.beginScan?.();
      // warmUp() is idempotent: the promise of the reader's warm-up.
      expect(await client.warmUp()).to.equal(0);
    } finally {
      reader.dispose();
    }
  });

  it('answers each read with a newer camera frame and ends its clone on close()', async () => {
    const track = client.openTrack(session.track);
    expect(track).to.not.equal(null);
    const a = await track!.read({ maxSide: 320 });
    const b = await track!.read({ maxSide: 320 });
    expect(a.frameWidth).to.equal(640);
    expect(a.result).to.equal(null); // the fake camera shows no document
    expect(a.timings.wait).to.be.a('number');
    expect(b.frameTimestamp! > a.frameTimestamp!).to.equal(true);
    track!.close();
    expect(track!.closed).to.equal(true);
    const e = await rejection(track!.read());
    expect(e).to.be.instanceOf(MrzWorkerError);
    expect((e as MrzWorkerError).code).to.equal('stream-ended');
    expect(session.track.readyState).to.equal('live'); // only the clone ended
  });

  it('a read pending when the track ends rejects with stream-ended', async () => {
    const { clones, restore } = spyClones();
    let track;
    try {
      track = client.openTrack(session.track);
    } finally {
      restore();
    }
    await track!.read({ maxSide: 320 });
    clones[0]!.stop();
    const e = await rejection(track!.read({ maxSide: 320 }));
    expect((e as MrzWorkerError).code).to.equal('stream-ended');
  });

  it('terminate() ends every open clone; no track, no processor or an ended track give null', async () => {
    const { clones, restore } = spyClones();
    try {
      client.openTrack(session.track);
      client.openTrack(session.track);
    } finally {
      restore();
    }
    expect(clones.map((t) => t.readyState)).to.deep.equal(['live', 'live']);
    client.terminate();
    expect(clones.map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
    expect(client.openTrack(session.track)).to.equal(null);

    const other = createMrzWorkerClient();
    const g = globalThis as { MediaStreamTrackProcessor?: unknown };
    const processor = g.MediaStreamTrackProcessor;
    try {
      delete g.MediaStreamTrackProcessor;
      expect(other.openTrack(session.track)).to.equal(null);
      g.MediaStreamTrackProcessor = processor;
      const ended = session.track.clone();
      ended.stop();
      expect(other.openTrack(ended)).to.equal(null);
    } finally {
      g.MediaStreamTrackProcessor = processor;
      other.terminate();
    }
  });
});
