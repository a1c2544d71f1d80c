/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import {
  buildVideoConstraints,
  listCameras,
  openCamera,
  type CameraSession,
} from '../../../sdk/camera/camera.ts';
import { CameraError, isCameraError, toCameraError } from '../../../sdk/camera/errors.ts';

function fakeMediaDevices(getUserMedia: MediaDevices['getUserMedia']): MediaDevices {
  return { getUserMedia, enumerateDevices: () => Promise.resolve([]) } as unknown as MediaDevices;
}

describe('sdk/camera openCamera (Chromium fake camera)', () => {
  let session: CameraSession | null = null;
  afterEach(() => {
    session?.stop();
    session = null;
  });

  it('opens a live video track and stop() ends every track', async () => {
    session = await openCamera();
    const tracks = session.stream.getTracks();
    expect(tracks.length).to.be.greaterThan(0);
    expect(tracks.every((t) => t.readyState === 'live')).to.equal(true);
    expect(session.resolution.width).to.be.greaterThan(0);
    session.stop();
    expect(tracks.every((t) => t.readyState === 'ended')).to.equal(true);
    expect(session.stopped).to.equal(true);
    session.stop(); // idempotent
  });

  it('lists the fake camera as a video input', async () => {
    session = await openCamera();
    const cameras = await listCameras();
    expect(cameras.length).to.be.greaterThan(0);
    expect(cameras[0]?.deviceId).to.be.a('string').and.not.equal('');
  });

  it('switches to a device by id, stopping the old track first', async () => {
    session = await openCamera();
    const old = session.track;
    const [first] = await listCameras();
    let changed = 0;
    session.addEventListener('streamchange', () => changed++);
    await session.switchCamera(first!.deviceId);
    expect(old.readyState).to.equal('ended');
    expect(session.track.readyState).to.equal('live');
    expect(session.deviceId).to.equal(first!.deviceId);
    expect(changed).to.equal(1);
  });

  it('reports device_lost when the track ends by itself, and releases the stream', async () => {
    session = await openCamera();
    const track = session.track;
    const lost = new Promise<CameraError>((resolve) => session!.addEventListener('ended', (e) => resolve(e.detail)));
    track.dispatchEvent(new Event('ended'));
    const error = await lost;
    expect(error.code).to.equal('device_lost');
    expect(session.stopped).to.equal(true);
    expect(track.readyState).to.equal('ended');
  });

  it('torch is reported unsupported on the fake camera and setTorch resolves false', async () => {
    session = await openCamera();
    expect(session.torchSupported).to.equal(false);
    expect(await session.setTorch(true)).to.equal(false);
  });

  it('asks for the rear camera at high resolution, or an exact device', () => {
    const c = buildVideoConstraints();
    expect(c.facingMode).to.deep.equal({ ideal: 'environment' });
    expect(c.width).to.deep.equal({ ideal: 1920 });
    expect(c.height).to.deep.equal({ ideal: 1080 });
    expect(c.deviceId).to.equal(undefined);
    const d = buildVideoConstraints({ deviceId: 'abc' });
    expect(d.deviceId).to.deep.equal({ exact: 'abc' });
    expect(d.facingMode).to.equal(undefined);
  });

  const cases: [string, string][] = [
    ['NotAllowedError', 'permission_denied'],
    ['NotFoundError', 'no_camera'],
    ['OverconstrainedError', 'no_camera'],
    ['NotReadableError', 'camera_in_use'],
    ['AbortError', 'camera_in_use'],
    ['TypeError', 'unsupported'],
  ];
  for (const [name, code] of cases) {
    it(`maps ${name} to ${code}`, async () => {
      const md = fakeMediaDevices(() => Promise.reject(new DOMException('x', name)));
      let caught: unknown;
      try {
        await openCamera({ mediaDevices: md });
      } catch (e) {
        caught = e;
      }
      expect(isCameraError(caught)).to.equal(true);
      expect((caught as CameraError).code).to.equal(code);
      expect(caught).to.be.instanceOf(CameraError);
    });
  }

  it('stops a stream that arrives after abort', async () => {
    const real = await navigator.mediaDevices.getUserMedia({ video: true });
    const controller = new AbortController();
    const md = fakeMediaDevices(async () => {
      controller.abort();
      return real;
    });
    let caught: unknown;
    try {
      await openCamera({ mediaDevices: md, signal: controller.signal });
    } catch (e) {
      caught = e;
    }
    expect((caught as DOMException).name).to.equal('AbortError');
    expect(real.getTracks().every((t) => t.readyState === 'ended')).to.equal(true);
  });

  it('a stream without a video track is no_camera and gets stopped', async () => {
    const md = fakeMediaDevices(async () => new MediaStream());
    let caught: unknown;
    try {
      await openCamera({ mediaDevices: md });
    } catch (e) {
      caught = e;
    }
    expect((caught as CameraError).code).to.equal('no_camera');
  });

  it('toCameraError keeps CameraErrors and never loses the cause', () => {
    const e = new CameraError('device_lost');
    expect(toCameraError(e)).to.equal(e);
    const cause = new DOMException('busy', 'NotReadableError');
    expect(toCameraError(cause).cause).to.equal(cause);
  });
});
