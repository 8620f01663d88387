import * as mediasoup from 'mediasoup';
import type { types } from 'mediasoup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mediaCodecs } from './mediaCodecs.ts';
import { configureLogging } from './lib/logger.ts';
import { keyframeRequests } from './programmeRtp.ts';
import { ProgrammeRelay } from './ProgrammeRelay.ts';

/**
 * A real mediasoup worker: two simulcast "cameras" produced on a DirectTransport (VP8 frames
 * written by hand, a keyframe when asked by PLI/FIR), the programme relay switching between them,
 * and a viewer consuming the programme on another DirectTransport, as a venue would.
 */
class Camera {
  readonly ssrcs: number[];
  producer!: types.Producer;
  readonly #seq: number[];
  #pictureId = 100;
  #timestamp = 5000;
  #keyframe = [true, true, true];
  #timer: NodeJS.Timeout | undefined;

  constructor(base: number) {
    this.ssrcs = [base, base + 1, base + 2];
    this.#seq = [base % 1000, 2000, 30000];
  }

  async produce(transport: types.DirectTransport): Promise<void> {
    this.producer = await transport.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
        encodings: this.ssrcs.map((ssrc) => ({ ssrc })),
      },
    });
  }

  /** Asked for a keyframe of one of its SSRCs. */
  keyframeWanted(ssrc: number): void {
    const layer = this.ssrcs.indexOf(ssrc);
    if (layer >= 0) this.#keyframe[layer] = true;
  }

  start(): void {
    this.#timer = setInterval(() => this.#frame(), 20);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #frame(): void {
    this.#pictureId = (this.#pictureId + 1) & 0x7fff;
    this.#timestamp += 1800;
    this.ssrcs.forEach((ssrc, layer) => {
      const key = this.#keyframe[layer]!;
      this.#keyframe[layer] = false;
      for (let part = 0; part < 2; part++) {
        const packet = Buffer.alloc(12 + 4 + 40);
        packet[0] = 0x80;
        packet[1] = (part === 1 ? 0x80 : 0) | 101;
        packet.writeUInt16BE(this.#seq[layer]!, 2);
        this.#seq[layer] = (this.#seq[layer]! + 1) & 0xffff;
        packet.writeUInt32BE(this.#timestamp >>> 0, 4);
        packet.writeUInt32BE(ssrc, 8);
        // VP8 payload descriptor: X, S on the first packet; I with a 15-bit PictureID.
        packet[12] = 0x80 | (part === 0 ? 0x10 : 0);
        packet[13] = 0x80;
        packet.writeUInt16BE(0x8000 | this.#pictureId, 14);
        // VP8 payload header: P bit 0 on a keyframe.
        packet[16] = part === 0 ? (key ? 0x10 : 0x11) : 0x33;
        if (part === 0 && key) packet.set([0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01], 19);
        this.producer.send(packet);
      }
    });
  }
}

describe('ProgrammeRelay', () => {
  let worker: types.Worker;
  let router: types.Router;
  const cameras = [new Camera(1_000_000), new Camera(2_000_000)];
  let relay: ProgrammeRelay;
  let viewerConsumer: types.Consumer;
  const received: { at: number; csrc: number | null; seq: number; ssrc: number }[] = [];

  beforeAll(async () => {
    configureLogging({ level: 'silent' });
    worker = await mediasoup.createWorker({ logLevel: 'error' });
    router = await worker.createRouter({ mediaCodecs });
    const senders = await router.createDirectTransport();
    senders.on('rtcp', (rtcp: Buffer) => {
      for (const ssrc of keyframeRequests(rtcp)) for (const camera of cameras) camera.keyframeWanted(ssrc);
    });
    for (const camera of cameras) {
      await camera.produce(senders);
      camera.start();
    }
    relay = await ProgrammeRelay.create({ router, roomId: 'test' });
    const viewer = await router.createDirectTransport();
    const consumer = (viewerConsumer = await viewer.consume({ producerId: relay.producer.id, rtpCapabilities: router.rtpCapabilities, preferredLayers: { spatialLayer: 2 } }));
    consumer.on('rtp', (packet: Buffer) => {
      const cc = packet[0]! & 0x0f;
      received.push({ at: Date.now(), csrc: cc > 0 ? packet.readUInt32BE(12) : null, seq: packet.readUInt16BE(2), ssrc: packet.readUInt32BE(8) });
    });
  });

  afterAll(() => {
    for (const camera of cameras) camera.stop();
    worker?.close();
  });

  async function waitFor(predicate: () => boolean, ms = 3000): Promise<void> {
    const until = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > until) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it('relays the source camera to the programme viewers, naming the camera layer as CSRC', async () => {
    const [a] = cameras as [Camera, Camera];
    const switched = new Promise((resolve) => relay.once('switched', resolve));
    await relay.setSource(a.producer.id, a.ssrcs);
    expect(await switched).toBe(a.producer.id);
    await waitFor(() => received.some((p) => a.ssrcs.includes(p.csrc!)));
    // The viewer moves up to the full layer once the relay's Sender Reports let mediasoup align it.
    await waitFor(() => received.some((p) => p.csrc === a.ssrcs[2]));
  });

  it('switches to another camera at its keyframe; the viewer keeps its one consumer and numbering', async () => {
    const [a, b] = cameras as [Camera, Camera];
    await waitFor(() => received.filter((p) => p.csrc === a.ssrcs[2]).length > 20);
    const before = received.length;
    const started = Date.now();
    await relay.setSource(b.producer.id, b.ssrcs);
    await waitFor(() => received.slice(before).some((p) => p.csrc === b.ssrcs[2]));
    const first = received.findIndex((p, i) => i >= before && p.csrc === b.ssrcs[2]);
    // One keyframe request and one frame interval, not a consumer per viewer.
    expect(received[first]!.at - started).toBeLessThan(500);
    // Every packet after the switch is the new camera's; the stream's SSRC and numbering continue.
    await waitFor(() => received.length > first + 20);
    expect(received.slice(first).every((p) => p.csrc === b.ssrcs[2])).toBe(true);
    expect(new Set(received.map((p) => p.ssrc)).size).toBe(1);
    for (let i = before + 1; i < received.length; i++) expect((received[i]!.seq - received[i - 1]!.seq) & 0xffff).toBe(1);
  });

  it('stops relaying when the source is cleared, and closes with its router', async () => {
    await relay.setSource(null);
    await new Promise((r) => setTimeout(r, 100));
    const count = received.length;
    await new Promise((r) => setTimeout(r, 200));
    expect(received.length).toBe(count);
    router.close();
    expect(relay.closed).toBe(true);
  });
});
