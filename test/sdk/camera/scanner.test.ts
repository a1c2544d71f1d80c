/// <reference types="mocha" />
import { expect } from '@open-wc/testing';
import { MrzCameraScanner, type ScanStatus, type ScannerReadDetail } from '../../../sdk/camera/scanner.ts';
import { breaksOwnRules, failsOwnChecks } from '../../../sdk/mrz/interpret.ts';
import type { CameraError } from '../../../sdk/camera/errors.ts';
import { MrzVoter } from '../../../sdk/mrz/vote.ts';
import { MRZ_BLURRED, MRZ_READABLE_PITCH, characterPitch } from '../../../sdk/mrz/region.ts';
import type { MrzImageResult } from '../../../sdk/mrz/types.ts';
import type { MrzSighting } from '../../../sdk/mrz/engine.ts';
import {
  OFF_STANDARD_TD2,
  RepeatVoter,
  MISPRINTED_TD3,
  ScriptedReader,
  imageResult,
  resetVisibility,
  setVisibility,
  sightingOf,
  spyStreams,
  failGetUserMedia,
  until,
} from './fixtures.ts';

describe('sdk/camera MrzCameraScanner', () => {
  let video: HTMLVideoElement;
  let spy: ReturnType<typeof spyStreams>;
  let scanner: MrzCameraScanner | null = null;
  beforeEach(() => {
    video = document.createElement('video');
    document.body.append(video);
    spy = spyStreams();
  });
  afterEach(() => {
    scanner?.stop();
    scanner = null;
    spy.restore();
    resetVisibility();
    video.remove();
  });

  function make(reader: ScriptedReader, extra: Partial<ConstructorParameters<typeof MrzCameraScanner>[0]> = {}): MrzCameraScanner {
    scanner = new MrzCameraScanner({
      video,
      reader,
      createVoter: () => new RepeatVoter(2),
      cameraOptions: { width: 640, height: 480 },
      allowSpecimen: true,
      ...extra,
    });
    return scanner;
  }

  /**
   * Starts a scanner whose frames, once the preview plays, answer `script` in turn (then nothing),
   * and resolves after them all with what it said: statuses, `misprint` reports and reads.
   */
  async function afterScript(script: readonly (MrzImageResult | null)[]): Promise<{ statuses: ScanStatus[]; reported: MrzImageResult[]; reads: number }> {
    let before = 0;
    const step = (n: number): MrzImageResult | null | undefined => {
      if (s.status === 'starting') {
        before = n;
        return undefined;
      }
      return script[n - before - 1];
    };
    const reader = new ScriptedReader((n) => step(n) ?? null);
    const s = make(reader);
    const statuses: ScanStatus[] = [];
    const reported: MrzImageResult[] = [];
    let reads = 0;
    s.addEventListener('status', (e) => statuses.push(e.detail));
    s.addEventListener('misprint', (e) => reported.push(e.detail));
    s.addEventListener('read', () => reads++);
    await s.start();
    await until(() => reader.calls >= before + script.length + 1, 8000, 'frames');
    return { statuses, reported, reads };
  }

  /** Resolves with the next `release` event of `s` (every track ended, preview detached). */
  const released = (s: MrzCameraScanner): Promise<void> => new Promise((resolve) => s.addEventListener('release', () => resolve(), { once: true }));

  it('reads once frames agree, then releases the camera', async () => {
    // Frames: nothing, nothing, then the MRZ.
    const reader = new ScriptedReader((n) => (n <= 2 ? null : imageResult()));
    const s = make(reader);
    const statuses: ScanStatus[] = [];
    s.addEventListener('status', (e) => statuses.push(e.detail));
    const read = new Promise<ScannerReadDetail>((resolve) => s.addEventListener('read', (e) => resolve(e.detail)));
    const release = released(s);
    await s.start();
    expect(spy.states()).to.deep.equal(['live']);
    const detail = await read;
    await release;
    expect(detail.result.lines).to.deep.equal(imageResult().lines);
    expect(detail.result.corners[0]).to.deep.equal({ x: 100, y: 500 });
    expect(detail.band?.type).to.equal('image/jpeg');
    expect(spy.states()).to.deep.equal(['ended']);
    expect(video.srcObject).to.equal(null);
    expect(s.status).to.equal('read');
    // ('searching' in between only if the preview played before the MRZ came into view.)
    expect(statuses[0]).to.equal('starting');
    expect(statuses.slice(-2)).to.deep.equal(['holding', 'read']);
    const calls = reader.calls;
    await new Promise((r) => setTimeout(r, 200));
    expect(reader.calls - calls).to.be.lessThan(2);
  });

  it('tells the reader a scan begins before the camera opens, and starts no warm-up of its own', async () => {
    const order: string[] = [];
    class WarmingReader extends ScriptedReader {
      prepare(): Promise<void> {
        order.push('prepare');
        return Promise.resolve();
      }
      beginScan(): void {
        order.push('beginScan');
      }
    }
    const s = make(new WarmingReader(() => null), {
      open: async (options) => {
        order.push('open');
        const { openCamera } = await import('../../../sdk/camera/camera.ts');
        return openCamera(options);
      },
    });
    await s.start();
    // A warm-up begun now would hold up the first camera frame, so none is asked for.
    expect(order).to.deep.equal(['beginScan', 'open']);
  });

  it('asks for the band crop only on frames that may settle the vote', async () => {
    // Frames: the MRZ, nothing, the MRZ again (settles), as a two-frame voter needs.
    const reader = new ScriptedReader((n) => (n === 2 ? null : imageResult()));
    const s = make(reader);
    const read = new Promise<ScannerReadDetail>((resolve) => s.addEventListener('read', (e) => resolve(e.detail)));
    await s.start();
    const detail = await read;
    expect(detail.band?.type).to.equal('image/jpeg');
    expect(reader.requests.slice(0, 3).map((r) => r.cropBand)).to.deep.equal([false, true, true]);
  });

  it('a voter settled by a frame without a crop reports on the next frame, with its crop', async () => {
    const reader = new ScriptedReader(() => imageResult());
    const s = make(reader, { createVoter: () => new RepeatVoter(1) });
    const bands: (Blob | null)[] = [];
    s.addEventListener('read', (e) => bands.push(e.detail.band));
    await s.start();
    await until(() => bands.length > 0, 8000, 'read');
    expect(reader.requests.slice(0, 2).map((r) => r.cropBand)).to.deep.equal([false, true]);
    expect(reader.calls).to.equal(2);
    expect(bands.map((b) => b?.type)).to.deep.equal(['image/jpeg']);
  });

  it('never reports a read that the voter does not find valid', async () => {
    const invalid = { ...imageResult(), valid: false };
    const reader = new ScriptedReader(() => invalid);
    const s = make(reader);
    let reads = 0;
    s.addEventListener('read', () => reads++);
    await s.start();
    await until(() => reader.calls >= 6, 8000, 'frames');
    expect(reads).to.equal(0);
    expect(s.status).to.equal('holding');
    s.stop();
    expect(spy.states()).to.deep.equal(['ended']);
    expect(s.status).to.equal('idle');
  });

  it('asks for the document to come closer while it sees an MRZ too small to read, with hysteresis', async () => {
    const seen = (pitch: number): MrzSighting => sightingOf(pitch);
    const invalid = { ...imageResult(), valid: false };
    // Per frame: [read, sighting]. Seen far (no read), nearly near (stays `closer`), read invalid
    // near, seen far again, read valid (the vote goes on), seen near, then nothing.
    const script: [MrzImageResult | null, MrzSighting | undefined][] = [
      [null, seen(8)],
      [null, seen(11.5)],
      [invalid, seen(13)],
      [invalid, seen(10.9)],
      [imageResult(), undefined],
      [null, seen(9)],
      [null, seen(20)],
      [null, undefined],
      [null, undefined],
      [null, undefined],
      [null, undefined],
    ];
    // The script starts once the preview plays: frames read before (nothing in them) set no status.
    let before = 0;
    const step = (n: number): (typeof script)[number] | undefined => {
      if (s.status === 'starting') {
        before = n;
        return undefined;
      }
      return script[n - before - 1];
    };
    const reader = new ScriptedReader((n) => step(n)?.[0] ?? null);
    reader.sighting = (n) => step(n)?.[1];
    const s = make(reader, { createVoter: () => new RepeatVoter(100) });
    const statuses: ScanStatus[] = [];
    s.addEventListener('status', (e) => statuses.push(e.detail));
    await s.start();
    await until(() => reader.calls >= before + script.length + 1, 8000, 'frames');
    expect(statuses).to.deep.equal(['starting', 'searching', 'closer', 'holding', 'closer', 'holding', 'closer', 'holding', 'searching']);
    // A band seen in perspective: the mean of its top (440 px) and bottom (396 px) edges over 44 characters.
    expect(characterPitch([{ x: 0, y: 0 }, { x: 440, y: 0 }, { x: 418, y: 30 }, { x: 22, y: 30 }], 44)).to.be.closeTo(9.5, 1e-9);
    expect(9.5).to.be.lessThan(MRZ_READABLE_PITCH);
  });

  it('asks to hold still while it sees a blurred MRZ large enough to read, with hysteresis; too small asks closer first', async () => {
    const seen = (pitch: number, blur: number): MrzSighting => sightingOf(pitch, blur, { x: 20, height: 40 });
    // Per frame: blurred (steady), a little sharper (stays steady), sharp (holding), small and blurred
    // (closer), large and blurred again (steady), then the document leaves.
    const script: (MrzSighting | undefined)[] = [seen(14, 0.5), seen(14, 0.31), seen(14, 0.2), seen(8, 0.6), seen(14, 0.45), undefined, undefined, undefined, undefined];
    let before = 0;
    const step = (n: number): MrzSighting | undefined => {
      if (s.status === 'starting') {
        before = n;
        return undefined;
      }
      return script[n - before - 1];
    };
    const reader = new ScriptedReader(() => null);
    reader.sighting = (n) => step(n);
    const s = make(reader);
    const statuses: ScanStatus[] = [];
    s.addEventListener('status', (e) => statuses.push(e.detail));
    await s.start();
    await until(() => reader.calls >= before + script.length + 1, 8000, 'frames');
    expect(statuses).to.deep.equal(['starting', 'searching', 'steady', 'holding', 'closer', 'steady', 'searching']);
    // Hysteresis: 0.31 is under the bar, yet kept the status.
    expect(0.31).to.be.lessThan(MRZ_BLURRED);
  });

  it('a print failing its own check digits, read in two frames, sets status misprint and is reported once per text; never read', async () => {
    // The misprinted specimen as readMrz returns it (not valid, checks failing).
    const misprinted = imageResult(MISPRINTED_TD3);
    expect(failsOwnChecks(misprinted)).to.equal(true);
    expect(failsOwnChecks({ ...imageResult(), valid: false })).to.equal(false);
    const unsure = { ...imageResult(), valid: false };
    // Per frame: one misprinted reading (not enough), a second (misprint), a third (no second report),
    // another reading (the run ends), two more misprinted (reported again), then the document leaves.
    const script: (MrzImageResult | null)[] = [misprinted, misprinted, misprinted, unsure, misprinted, null, misprinted, null, null, null, null];
    const { statuses, reported, reads } = await afterScript(script);
    expect(statuses).to.deep.equal(['starting', 'searching', 'holding', 'misprint', 'holding', 'misprint', 'searching']);
    expect(reported.length).to.equal(2);
    expect(reported[0]?.lines).to.deep.equal(misprinted.lines);
    expect(reported[0]?.checks.documentNumber).to.equal(false);
    expect(reads).to.equal(0);
  });

  it('a print off the standard with all its check digits passing (nationality 132), read in two frames, sets status misprint too; never read', async () => {
    const off = imageResult(OFF_STANDARD_TD2);
    expect([off.valid, failsOwnChecks(off), breaksOwnRules(off)]).to.deep.equal([false, false, true]);
    // A reading refused only for its confidence breaks no rule of its own.
    expect(breaksOwnRules({ ...imageResult(), valid: false })).to.equal(false);
    const script: (MrzImageResult | null)[] = [off, off, null, null, null, null];
    const { statuses, reported, reads } = await afterScript(script);
    expect(statuses).to.deep.equal(['starting', 'searching', 'holding', 'misprint', 'searching']);
    expect(reported.map((r) => r.lines)).to.deep.equal([OFF_STANDARD_TD2]);
    expect(reads).to.equal(0);
  });

  it('a frame that sees a small MRZ before the preview plays asks for it closer at once', async () => {
    const reader = new ScriptedReader(() => null);
    reader.sighting = () => sightingOf(8);
    // A preview slow to start playing, while frames already flow.
    const play = video.play.bind(video);
    video.play = async () => {
      await play();
      await until(() => reader.calls >= 2, 8000, 'frames before play resolves');
    };
    const s = make(reader);
    const statuses: ScanStatus[] = [];
    s.addEventListener('status', (e) => statuses.push(e.detail));
    await s.start();
    expect(statuses).to.deep.equal(['starting', 'closer']);
    expect(s.status).to.equal('closer');
  });

  it('continuous mode keeps the camera and reports a different MRZ, not the same one twice', async () => {
    const other = imageResult([
      'I<UTOD231458907<<<<<<<<<<<<<<<',
      '7408122F1204159UTO<<<<<<<<<<<6',
      'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
    ]);
    const reader = new ScriptedReader((n) => (n <= 6 ? imageResult() : other));
    const s = make(reader, { continuous: true });
    const reads: string[] = [];
    s.addEventListener('read', (e) => reads.push(e.detail.result.format));
    await s.start();
    await until(() => reads.length >= 2, 10000, 'two reads');
    expect(reads).to.deep.equal(['TD3', 'TD1']);
    expect(spy.states()).to.deep.equal(['live']);
    s.stop();
    expect(spy.states()).to.deep.equal(['ended']);
  });

  it('reads downscaled frames, alternating with full resolution while nothing is found', async () => {
    const reader = new ScriptedReader(() => null);
    const s = make(reader, { maxFrameSide: 100 });
    let frames = 0;
    s.addEventListener('frame', () => frames++);
    await s.start();
    await until(() => reader.calls >= 6, 8000, 'frames');
    const full = Math.max(video.videoWidth, video.videoHeight);
    s.stop();
    expect(full).to.be.greaterThan(100);
    expect(frames).to.be.greaterThan(4);
    const sides = reader.requests.map((r) => r.maxSide);
    expect(sides.slice(0, 2)).to.deep.equal([100, 100]);
    expect(sides.slice(2)).to.include(100);
    expect(sides.slice(2)).to.include(full);
  });

  it('limits the time of frames while nothing is in view, not once the MRZ is, nor after three frames ran out of time', async () => {
    // Calls 1-3 find nothing and run out of time, 4 finds nothing in time, 5 reads, 6-7 find nothing.
    const reader = new ScriptedReader((call) => (call === 5 ? imageResult() : null));
    reader.outOfTime = (call) => call <= 3;
    const s = make(reader);
    await s.start();
    await until(() => reader.calls >= 7, 8000, 'frames');
    s.stop();
    const budgets = reader.requests.slice(0, 7).map((r) => r.budgetMs);
    expect(budgets).to.deep.equal([250, 250, 250, undefined, 250, undefined, 250]);
    // Thumbnails only of frames read while nothing is in view (6 reads the tracking region).
    expect(reader.requests.slice(0, 7).map((r) => r.thumbnail)).to.deep.equal([true, true, true, true, true, undefined, true]);
    // 0: no limit at all.
    const free = new ScriptedReader(() => null);
    scanner = null;
    const s2 = make(free, { frameBudgetMs: 0 });
    await s2.start();
    await until(() => free.calls >= 2, 8000, 'frames');
    s2.stop();
    expect(free.requests.map((r) => r.budgetMs)).to.not.include(250);
    expect(free.requests.every((r) => r.budgetMs === undefined)).to.equal(true);
  });

  it('hands the worker the last frame\'s thumbnail with the time limit, to lift it while the picture holds still', async () => {
    const grey = (level: number): Uint8Array => new Uint8Array(32 * 18).fill(level);
    const reader = new ScriptedReader(() => null);
    reader.thumbnail = (call) => grey(call * 10);
    const s = make(reader);
    await s.start();
    await until(() => reader.calls >= 3, 8000, 'frames');
    s.stop();
    const asked = reader.requests.slice(0, 3);
    expect(asked.every((r) => r.thumbnail === true && r.budgetMs === 250)).to.equal(true);
    // The first frame of a scan has nothing to compare with; each later one gets the answer before it.
    expect(asked[0]!.previousThumbnail).to.equal(undefined);
    expect(asked[1]!.previousThumbnail?.[0]).to.equal(10);
    expect(asked[2]!.previousThumbnail?.[0]).to.equal(20);
  });

  it('does not report ICAO specimens unless allowed', async () => {
    const reader = new ScriptedReader(() => imageResult());
    const s = make(reader, { allowSpecimen: false });
    let reads = 0;
    s.addEventListener('read', () => reads++);
    await s.start();
    await until(() => reader.calls >= 5, 8000, 'frames');
    expect(reads).to.equal(0);
    s.stop();
  });

  it('works with the real MrzVoter from sdk/mrz', async () => {
    const reader = new ScriptedReader((n) => (n % 2 ? imageResult() : null));
    const s = make(reader, { createVoter: () => new MrzVoter({ allowSpecimen: true }) });
    const read = new Promise<ScannerReadDetail>((resolve) => s.addEventListener('read', (e) => resolve(e.detail)));
    const release = released(s);
    await s.start();
    expect((await read).result.fields.documentNumber).to.equal('L898902C3');
    await release;
    expect(spy.states()).to.deep.equal(['ended']);
  });

  describe('camera release after a read (in the tasks after the read event)', () => {
    /** Records, for each teardown call, how many tasks had begun since the read event. */
    function watchTeardown(s: MrzCameraScanner): { calls: { what: string; task: number }[]; atRead: { states: string[]; srcObject: boolean; sameTask: string[] | null } | null } {
      const log = { calls: [] as { what: string; task: number }[], atRead: null as { states: string[]; srcObject: boolean; sameTask: string[] | null } | null };
      let task = 0;
      // A message-channel ping-pong counts tasks (each onmessage is a task of its own).
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        task++;
        if (task < 50) channel.port2.postMessage(0);
      };
      const pause = video.pause.bind(video);
      video.pause = () => {
        log.calls.push({ what: 'pause', task });
        pause();
      };
      s.addEventListener('read', () => {
        log.atRead = { states: spy.states(), srcObject: video.srcObject !== null, sameTask: null };
        channel.port2.postMessage(0);
        // Microtasks queued here still run in the task that delivered the read.
        queueMicrotask(() => {
          if (log.atRead) log.atRead.sameTask = spy.states();
        });
        const track = spy.streams[0]?.getVideoTracks()[0];
        const stop = track?.stop.bind(track);
        if (track && stop) {
          track.stop = () => {
            log.calls.push({ what: 'track.stop', task });
            stop();
          };
        }
      });
      return log;
    }

    it('emits the read while the camera is still open and ends every track in later tasks, one call per task', async () => {
      const s = make(new ScriptedReader(() => imageResult()));
      const log = watchTeardown(s);
      const release = released(s);
      await s.start();
      await release;
      expect(log.atRead).to.deep.equal({ states: ['live'], srcObject: true, sameTask: ['live'] });
      expect(spy.states()).to.deep.equal(['ended']);
      expect(video.srcObject).to.equal(null);
      expect(s.status).to.equal('read');
      expect(s.camera).to.equal(null);
      expect(s.active).to.equal(false);
      // track.stop and pause ran after the read's task, and not in the same task.
      expect(log.calls.map((c) => c.what)).to.deep.equal(['track.stop', 'pause']);
      const [stop, pause] = log.calls;
      expect(stop!.task).to.be.greaterThan(0);
      expect(pause!.task).to.be.greaterThan(stop!.task);
    });

    it('stop() in the read listener ends every track at once', async () => {
      const s = make(new ScriptedReader(() => imageResult()));
      let atStop: string[] = [];
      s.addEventListener('read', () => {
        s.stop();
        atStop = spy.states();
      });
      await s.start();
      await until(() => atStop.length > 0, 8000, 'read');
      expect(atStop).to.deep.equal(['ended']);
      expect(video.srcObject).to.equal(null);
      expect(s.status).to.equal('idle');
    });

    it('start() in the read listener ends the old camera first and keeps the new one', async () => {
      let reads = 0;
      const s = make(new ScriptedReader(() => (reads === 0 ? imageResult() : null)));
      let restarted: Promise<void> | null = null;
      // A phone camera cannot be opened twice: the old tracks must have ended when the new one is asked for.
      let atOpen: string[] = [];
      const md = navigator.mediaDevices;
      const open = md.getUserMedia;
      s.addEventListener('read', () => {
        reads++;
        md.getUserMedia = (constraints?: MediaStreamConstraints) => {
          atOpen = spy.states();
          return open.call(md, constraints);
        };
        restarted = s.start();
      });
      try {
        await s.start();
        await until(() => restarted !== null, 8000, 'read');
        await restarted;
      } finally {
        md.getUserMedia = open;
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(atOpen).to.deep.equal(['ended']);
      expect(spy.states()).to.deep.equal(['ended', 'live']);
      expect(video.srcObject).to.equal(spy.streams[1]);
      expect(s.active).to.equal(true);
    });

    it('a page hidden between the read and the release ends every track at once', async () => {
      const s = make(new ScriptedReader(() => imageResult()));
      let atHide: string[] = [];
      s.addEventListener('read', () => {
        window.dispatchEvent(new Event('pagehide'));
        atHide = spy.states();
      });
      await s.start();
      await until(() => atHide.length > 0, 8000, 'read');
      expect(atHide).to.deep.equal(['ended']);
      expect(s.status).to.equal('read');
    });
  });

  it('releases the camera when the page is hidden and resumes when visible', async () => {
    const reader = new ScriptedReader(() => null);
    const s = make(reader);
    await s.start();
    setVisibility('hidden');
    expect(s.status).to.equal('paused');
    expect(spy.states()).to.deep.equal(['ended']);
    setVisibility('visible');
    await until(() => s.status === 'searching', 8000, 'resume');
    expect(spy.states()).to.deep.equal(['ended', 'live']);
  });

  it('releases the camera on pagehide', async () => {
    const s = make(new ScriptedReader(() => null));
    await s.start();
    window.dispatchEvent(new Event('pagehide'));
    expect(spy.states()).to.deep.equal(['ended']);
    expect(s.status).to.equal('paused');
  });

  it('reports device_lost when the track ends mid-scan', async () => {
    const s = make(new ScriptedReader(() => null));
    const errors: CameraError[] = [];
    s.addEventListener('error', (e) => errors.push(e.detail));
    await s.start();
    spy.streams[0]!.getVideoTracks()[0]!.dispatchEvent(new Event('ended'));
    expect(errors.map((e) => e.code)).to.deep.equal(['device_lost']);
    expect(s.status).to.equal('error');
    expect(spy.states()).to.deep.equal(['ended']);
  });

  it('rejects with permission_denied and dispatches the error', async () => {
    spy.restore();
    const restore = failGetUserMedia('NotAllowedError');
    try {
      const s = make(new ScriptedReader(() => null));
      const errors: string[] = [];
      s.addEventListener('error', (e) => errors.push(e.detail.code));
      let caught: unknown;
      try {
        await s.start();
      } catch (e) {
        caught = e;
      }
      expect((caught as CameraError).code).to.equal('permission_denied');
      expect(errors).to.deep.equal(['permission_denied']);
      expect(s.status).to.equal('error');
    } finally {
      restore();
    }
  });

  it('stop() during camera start-up still ends the late stream', async () => {
    const s = make(new ScriptedReader(() => null));
    const started = s.start();
    s.stop();
    await started;
    await new Promise((r) => setTimeout(r, 100));
    expect(spy.states().every((st) => st === 'ended')).to.equal(true);
    expect(s.status).to.equal('idle');
  });
});
