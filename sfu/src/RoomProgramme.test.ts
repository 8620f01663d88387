import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureLogging } from './lib/logger.ts';
import { mediaCodecs } from './mediaCodecs.ts';
import type { ProgrammeRelay } from './ProgrammeRelay.ts';
import { RoomProgramme } from './RoomProgramme.ts';

/** A real worker: a room's programme is made once, on demand, and closes with the room. */
describe('RoomProgramme', () => {
  let worker: types.Worker;
  let router: types.Router;
  let camera: types.Producer;

  beforeAll(async () => {
    configureLogging({ level: 'silent' });
    worker = await mediasoup.createWorker({ logLevel: 'error' });
    router = await worker.createRouter({ mediaCodecs });
    const senders = await router.createDirectTransport();
    camera = await senders.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
        encodings: [{ ssrc: 111 }, { ssrc: 222 }, { ssrc: 333 }],
      },
    });
  });

  afterAll(() => worker?.close());

  it('makes no relay for a meeting that only ever clears its programme', async () => {
    const created: ProgrammeRelay[] = [];
    const programme = new RoomProgramme({ roomId: 'r1', router, onCreated: (r) => created.push(r) });
    await programme.setSource(null);
    expect(programme.relay).toBeUndefined();
    expect(created).toEqual([]);
    programme.close();
  });

  it('makes the relay once, pipes the camera before relaying it, and closes the relay with itself', async () => {
    const created: ProgrammeRelay[] = [];
    const programme = new RoomProgramme({ roomId: 'r2', router, onCreated: (r) => created.push(r) });
    const [first, second] = await Promise.all([programme.made(), programme.made()]);
    expect(first).toBe(second);
    expect(created).toEqual([first]);

    const piped: string[] = [];
    await programme.setSource(camera, async () => piped.push(camera.id));
    expect(first.source).toBe(camera.id);
    // The same camera again is no switch and needs no pipe.
    await programme.setSource(camera, async () => piped.push(camera.id));
    expect(piped).toEqual([camera.id]);

    programme.close();
    programme.close();
    expect(first.closed).toBe(true);
    await expect(programme.setSource(null)).resolves.toBeUndefined();
    await expect(programme.made()).rejects.toThrow(/closed/);
  });
});
