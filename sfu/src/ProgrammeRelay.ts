import { randomInt } from 'node:crypto';
import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';
import { continueWith, keyframeRequests, readFields, rewritePacket, senderReport, type StreamContinuity } from './programmeRtp.ts';

/** The programme is simulcast like the venues' cameras: small, medium, full. */
const LAYERS = 3;
/**
 * Sender Reports for each layer, as every RTP sender sends them: mediasoup switches a simulcast
 * consumer between streams only once both have one (it aligns their timestamps by them).
 */
const SENDER_REPORT_MS = 500;

export type ProgrammeRelayEvents = {
  /** The programme now shows this source (its first layer switched, at a keyframe). */
  switched: [sourceProducerId: string | null];
  '@close': [];
};

interface Layer {
  readonly index: number;
  readonly ssrc: number;
  readonly continuity: StreamContinuity;
  /** The consumer whose packets the programme sends now, and the source SSRC they carry as CSRC. */
  live?: { consumer: types.Consumer; csrc: number };
  /** The next source's consumer, waiting for its first packet (a keyframe) to take over. */
  next?: { consumer: types.Consumer; csrc: number };
  packets: number;
  octets: number;
}

/**
 * A meeting's programme (the picture most venues show full-size: the broadcast, the roll-called
 * venue, the chair), as one simulcast producer that every such venue consumes once. Switching the
 * programme to another venue's camera does not touch those consumers: the relay consumes the new
 * camera's three layers on a DirectTransport and, layer by layer at its first keyframe, sends them
 * on as the programme's producer with continuous numbering, as a hardware MCU switches its output.
 * A switch costs one keyframe request, however many venues watch.
 */
export class ProgrammeRelay extends EnhancedEventEmitter<ProgrammeRelayEvents> {
  readonly producer: types.Producer;
  readonly #in: types.DirectTransport;
  readonly #out: types.DirectTransport;
  readonly #layers: Layer[];
  readonly #rtpCapabilities: types.RtpCapabilities;
  readonly #payloadType: number;
  readonly #logger: Logger;
  #source: string | null = null;
  /** Bumped by every setSource() so that a slower earlier call drops what it made. */
  #generation = 0;
  /** The current source has not yet reached any layer of the programme. */
  #announce = false;
  #closed = false;
  readonly #reports: NodeJS.Timeout;

  static async create(options: { router: types.Router; roomId: string }): Promise<ProgrammeRelay> {
    const { router } = options;
    const vp8 = router.rtpCapabilities.codecs?.find((c) => c.mimeType.toLowerCase() === 'video/vp8');
    if (!vp8?.preferredPayloadType) throw new Error('the router has no VP8 codec for the programme');
    const input = await router.createDirectTransport();
    const output = await router.createDirectTransport();
    try {
      const taken = new Set<number>();
      const ssrcs = Array.from({ length: LAYERS }, () => {
        let ssrc: number;
        do ssrc = randomInt(1, 0xffffffff);
        while (taken.has(ssrc) || ssrc === 1234);
        taken.add(ssrc);
        return ssrc;
      });
      const producer = await output.produce({
        kind: 'video',
        rtpParameters: {
          codecs: [
            {
              mimeType: vp8.mimeType,
              clockRate: vp8.clockRate,
              payloadType: vp8.preferredPayloadType,
              rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
            },
          ],
          headerExtensions: [],
          encodings: ssrcs.map((ssrc) => ({ ssrc, scalabilityMode: 'L1T3' })),
          rtcp: { cname: `programme-${options.roomId}`, reducedSize: true },
        },
        appData: { source: 'programme' },
      });
      // The relay's own consumers take VP8 only, without RTX or header extensions.
      const rtpCapabilities: types.RtpCapabilities = { codecs: [vp8], headerExtensions: [] };
      return new ProgrammeRelay({ input, output, producer, ssrcs, rtpCapabilities, payloadType: vp8.preferredPayloadType, roomId: options.roomId });
    } catch (error) {
      input.close();
      output.close();
      throw error;
    }
  }

  private constructor(options: {
    input: types.DirectTransport;
    output: types.DirectTransport;
    producer: types.Producer;
    ssrcs: number[];
    rtpCapabilities: types.RtpCapabilities;
    payloadType: number;
    roomId: string;
  }) {
    super();
    this.#in = options.input;
    this.#out = options.output;
    this.producer = options.producer;
    this.#rtpCapabilities = options.rtpCapabilities;
    this.#payloadType = options.payloadType;
    this.#logger = getLogger('ProgrammeRelay', { roomId: options.roomId });
    this.#layers = options.ssrcs.map((ssrc, index) => ({ index, ssrc, continuity: { seqOffset: 0, tsOffset: 0, picOffset: 0, tl0Offset: 0 }, packets: 0, octets: 0 }));
    this.#reports = setInterval(() => this.#sendReports(), SENDER_REPORT_MS);
    // Venues' keyframe requests for the programme go to the source's matching layer.
    this.#out.on('rtcp', (rtcp: Buffer) => {
      for (const ssrc of keyframeRequests(rtcp)) {
        const layer = this.#layers.find((l) => l.ssrc === ssrc);
        const consumer = layer?.next?.consumer ?? layer?.live?.consumer;
        // A consumer closed by a switch meanwhile has nothing left to ask for.
        consumer?.requestKeyFrame().catch(() => undefined);
      }
    });
    this.#in.observer.once('close', () => this.close());
    this.#out.observer.once('close', () => this.close());
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The camera the programme is switching to or showing (null: none, the programme is still). */
  get source(): string | null {
    return this.#source;
  }

  /**
   * Makes `producerId` (a simulcast camera on this router) the programme's source; null stops it.
   * `sourceSsrcs` are the camera's own SSRCs by layer, named as each layer's contributing source.
   * The previous source keeps playing on each layer until the new one's keyframe arrives.
   */
  async setSource(producerId: string | null, sourceSsrcs: number[] = []): Promise<void> {
    if (this.#closed || producerId === this.#source) return;
    this.#source = producerId;
    const generation = ++this.#generation;
    for (const layer of this.#layers) {
      layer.next?.consumer.close();
      layer.next = undefined;
    }
    if (!producerId) {
      for (const layer of this.#layers) {
        layer.live?.consumer.close();
        layer.live = undefined;
      }
      this.safeEmit('switched', null);
      return;
    }
    this.#announce = true;
    const made = await Promise.allSettled(
      this.#layers.map((layer) =>
        this.#in.consume({
          producerId,
          rtpCapabilities: this.#rtpCapabilities,
          preferredLayers: { spatialLayer: layer.index, temporalLayer: 2 },
          appData: { programmeLayer: layer.index },
        }),
      ),
    );
    const consumers = made;
    const superseded = this.#closed || generation !== this.#generation;
    const failed = made.find((r) => r.status === 'rejected');
    if (superseded || failed) {
      for (const c of consumers) if (c.status === 'fulfilled') c.value.close();
      if (failed && !superseded) {
        this.#source = null;
        throw (failed as PromiseRejectedResult).reason;
      }
      return;
    }
    consumers.forEach((c, i) => {
      const consumer = (c as PromiseFulfilledResult<types.Consumer>).value;
      const layer = this.#layers[i]!;
      const csrc = sourceSsrcs[Math.min(i, sourceSsrcs.length - 1)] ?? 0;
      layer.next = { consumer, csrc };
      consumer.on('rtp', (packet: Buffer) => this.#relay(layer, consumer, packet));
      consumer.on('producerclose', () => {
        if (this.#source === producerId) void this.setSource(null);
      });
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#reports);
    this.#in.close();
    this.#out.close();
    this.safeEmit('@close');
  }

  #relay(layer: Layer, consumer: types.Consumer, packet: Buffer): void {
    const now = Date.now();
    // A layer's first packet ever: report it at once (mediasoup can switch to it after that).
    const first = !layer.continuity.last;
    if (layer.next?.consumer === consumer) {
      const fields = readFields(packet);
      if (!fields) return;
      layer.live?.consumer.close();
      layer.live = layer.next;
      layer.next = undefined;
      continueWith(layer.continuity, fields, now);
      if (this.#announce) {
        this.#announce = false;
        this.#logger.debug({ source: this.#source, layer: layer.index }, 'programme switched');
        this.safeEmit('switched', this.#source);
      }
    } else if (layer.live?.consumer !== consumer) {
      return;
    }
    const out = rewritePacket(packet, layer.continuity, { ssrc: layer.ssrc, payloadType: this.#payloadType, csrc: layer.live!.csrc }, now);
    if (!out || this.producer.closed) return;
    this.producer.send(out);
    layer.packets++;
    layer.octets += out.length - 16;
    if (first) this.#sendReports();
  }

  #sendReports(): void {
    const now = Date.now();
    for (const layer of this.#layers) {
      const last = layer.continuity.last;
      if (!layer.live || !last || this.#out.closed) continue;
      const ts = (last.ts + Math.round((now - last.at) * 90)) >>> 0;
      this.#out.sendRtcp(senderReport({ ssrc: layer.ssrc, now, rtpTimestamp: ts, packets: layer.packets, octets: layer.octets }));
    }
  }
}
