import type { types } from 'mediasoup';
import { EnhancedEventEmitter } from './lib/EnhancedEventEmitter.ts';
import { getLogger, type Logger } from './lib/logger.ts';

export type PlainTapEvents = {
  /** The tapped producer closed; the tap is closed too. */
  producerClosed: [];
  producerPaused: [];
  producerResumed: [];
  '@close': [];
};

/**
 * One producer's RTP sent out of the SFU as plain RTP/RTCP to a local receiver (ffmpeg for
 * recording, a SIP gateway): a PlainTransport connected to the target and one consumer on it,
 * created paused so the receiver can be started before media flows.
 */
export class PlainTap extends EnhancedEventEmitter<PlainTapEvents> {
  readonly producerId: string;
  readonly #transport: types.PlainTransport;
  readonly #consumer: types.Consumer;
  readonly #logger: Logger;
  #closed = false;

  static async create(options: {
    router: types.Router;
    producerId: string;
    listenIp: string;
    target: { ip: string; rtpPort: number; rtcpPort?: number };
    rtpCapabilities?: types.RtpCapabilities;
  }): Promise<PlainTap> {
    const { router, producerId, target } = options;
    const transport = await router.createPlainTransport({
      listenIp: { ip: options.listenIp },
      rtcpMux: target.rtcpPort === undefined,
      comedia: false,
    });
    try {
      await transport.connect({ ip: target.ip, port: target.rtpPort, rtcpPort: target.rtcpPort });
      const consumer = await transport.consume({
        producerId,
        rtpCapabilities: options.rtpCapabilities ?? router.rtpCapabilities,
        paused: true,
      });
      return new PlainTap(producerId, transport, consumer);
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  private constructor(producerId: string, transport: types.PlainTransport, consumer: types.Consumer) {
    super();
    this.producerId = producerId;
    this.#transport = transport;
    this.#consumer = consumer;
    this.#logger = getLogger('PlainTap', { producerId });
    consumer.on('producerclose', () => {
      this.safeEmit('producerClosed');
      this.close();
    });
    consumer.on('producerpause', () => this.safeEmit('producerPaused'));
    consumer.on('producerresume', () => this.safeEmit('producerResumed'));
    transport.observer.once('close', () => this.close());
  }

  get id(): string {
    return this.#consumer.id;
  }

  get kind(): types.MediaKind {
    return this.#consumer.kind;
  }

  /** What the receiver needs to describe the stream (payload type, codec, clock rate, SSRC). */
  get rtpParameters(): types.RtpParameters {
    return this.#consumer.rtpParameters;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get producerPaused(): boolean {
    return this.#consumer.producerPaused;
  }

  /** The simulcast layer this tap receives (the highest, unless set otherwise; 0 for audio). */
  get spatialLayer(): number {
    return this.#consumer.preferredLayers?.spatialLayer ?? 0;
  }

  async resume(): Promise<void> {
    await this.#consumer.resume();
  }

  async requestKeyFrame(): Promise<void> {
    if (this.#consumer.kind === 'video' && !this.#closed) await this.#consumer.requestKeyFrame();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#logger.debug('closing plain tap');
    this.#transport.close();
    this.safeEmit('@close');
  }
}
