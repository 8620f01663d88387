import type { types } from 'mediasoup';
import { EnhancedEventEmitter, getLogger } from '../../../sfu/src/index.ts';
import { FfmpegProcess } from '../FfmpegProcess.ts';
import { PortAllocator } from '../PortAllocator.ts';

/** Local ports the senders send from (kept across a restart so the SFU still accepts them). */
const senderPorts = new PortAllocator({ ip: '127.0.0.1', min: 65000, max: 65534 });
let nextSsrc = 11_110_000;

export interface RtpSourceOptions {
  router: types.Router;
  ffmpegPath?: string;
  /** Background colour (0xRRGGBB) of the picture; a white box moves across it. */
  colour: string;
  /** 'testsrc2': ffmpeg's busy test picture instead (closer to a camera's cost to encode). */
  pattern?: 'box' | 'testsrc2';
  width?: number;
  height?: number;
  fps?: number;
  /** Key frame interval in frames (the sender ignores key frame requests, as ffmpeg does). */
  gop?: number;
  /** Tone of the sound in Hz; 0 sends no sound. */
  toneHz?: number;
  /**
   * Every `markerEvery`-th frame (a key frame) starts a 3-frame white flash of the whole picture
   * and, at the same instant, a 100 ms 1 kHz beep replaces the tone (A/V sync and latency marks).
   */
  markerEvery?: number;
  /** With markerEvery: whether the beep goes with the flash (default true). */
  markerBeep?: boolean;
}

export type RtpSourceEvents = { senderDied: [] };

/**
 * A venue without a browser, for tests and benchmarks: ffmpeg encodes a synthetic camera (VP8)
 * and microphone (Opus) and sends them as RTP into two PlainTransport producers of a real
 * mediasoup router, like a venue's camera and microphone.
 */
export class RtpSource extends EnhancedEventEmitter<RtpSourceEvents> {
  readonly video: types.Producer;
  readonly audio: types.Producer | null;
  readonly #options: RtpSourceOptions;
  readonly #transports: types.PlainTransport[];
  readonly #ports: number[];
  #sender: FfmpegProcess | null = null;
  #size: { width: number; height: number };

  static async create(options: RtpSourceOptions): Promise<RtpSource> {
    const { router } = options;
    const make = () => router.createPlainTransport({ listenIp: '127.0.0.1', rtcpMux: false, comedia: true });
    const vt = await make();
    const at = options.toneHz === 0 ? null : await make();
    const video = await vt.produce({
      kind: 'video',
      rtpParameters: {
        codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] }],
        encodings: [{ ssrc: nextSsrc++ }],
      },
    });
    const audio = at
      ? await at.produce({
          kind: 'audio',
          rtpParameters: {
            codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
            encodings: [{ ssrc: nextSsrc++ }],
          },
        })
      : null;
    const ports = [await senderPorts.allocate(), ...(at ? [await senderPorts.allocate()] : [])];
    const source = new RtpSource(options, video, audio, at ? [vt, at] : [vt], ports);
    await source.#startSender();
    return source;
  }

  private constructor(options: RtpSourceOptions, video: types.Producer, audio: types.Producer | null, transports: types.PlainTransport[], ports: number[]) {
    super();
    this.#options = options;
    this.video = video;
    this.audio = audio;
    this.#transports = transports;
    this.#ports = ports;
    this.#size = { width: options.width ?? 640, height: options.height ?? 480 };
  }

  get senderPid(): number | undefined {
    return this.#sender?.pid;
  }

  async pauseVideo(): Promise<void> {
    await this.video.pause();
  }

  async resumeVideo(): Promise<void> {
    await this.video.resume();
  }

  /** Restarts the camera at another size (same SSRC and ports, as a browser changing resolution). */
  async changeSize(width: number, height: number): Promise<void> {
    this.#size = { width, height };
    await this.#sender?.close();
    await this.#startSender();
  }

  async close(): Promise<void> {
    await this.#sender?.close();
    this.#sender = null;
    for (const t of this.#transports) t.close();
    for (const p of this.#ports) senderPorts.release(p);
  }

  async #startSender(): Promise<void> {
    const o = this.#options;
    const { width, height } = this.#size;
    const fps = o.fps ?? 20;
    const box = Math.max(8, 2 * Math.round(width / 32));
    let picture =
      o.pattern === 'testsrc2'
        ? `testsrc2=s=${width}x${height}:r=${fps}`
        : `color=c=${o.colour}:s=${width}x${height}:r=${fps}[bg];color=c=white:s=${box}x${box}:r=${fps}[box];` +
          `[bg][box]overlay=x='mod(t*${Math.round(width / 3)},${width - box})':y=${height / 2 - box / 2}:shortest=1,format=yuv420p`;
    const marker = o.markerEvery;
    if (marker) picture += `,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(n,${marker}),3)'`;
    const [vt, at] = this.#transports;
    const rtp = (t: types.PlainTransport, local: number) =>
      `rtp://127.0.0.1:${t.tuple.localPort}?rtcpport=${t.rtcpTuple!.localPort}&localrtpport=${local}&localrtcpport=${local + 1}&pkt_size=1200`;
    const tone = o.toneHz ?? 440;
    // With markers every venue's tone is quiet (0.02), so that the one beep stands out.
    const quiet = `0.02*sin(2*PI*${tone}*t)`;
    const sound = !marker
      ? `sine=frequency=${tone}:sample_rate=48000`
      : o.markerBeep === false
        ? `aevalsrc='${quiet}':s=48000`
        : `aevalsrc='if(lt(mod(t,${marker / fps}),0.1),0.5*sin(2*PI*1000*t),${quiet})':s=48000`;
    // One lavfi graph for picture and sound: both run on the same clock (in sync at the source).
    const graph = at ? `${picture}[out0];${sound}[out1]` : `${picture}[out0]`;
    const args = ['-loglevel', 'error', '-re', '-f', 'lavfi', '-i', graph];
    args.push(
      '-map', '0:v', '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-threads', '1',
      '-g', String(o.gop ?? fps), '-b:v', `${Math.round((width * height) / 400)}k`,
      ...(marker ? ['-force_key_frames', `expr:eq(mod(n,${marker}),0)`] : []),
      '-ssrc', String(this.video.rtpParameters.encodings![0]!.ssrc), '-payload_type', '101', '-f', 'rtp', rtp(vt!, this.#ports[0]!),
    );
    if (at && this.audio) {
      args.push(
        '-map', '0:a', '-c:a', 'libopus', '-b:a', '32k', '-application', 'voip',
        '-ssrc', String(this.audio.rtpParameters.encodings![0]!.ssrc), '-payload_type', '100', '-f', 'rtp', rtp(at, this.#ports[1]!),
      );
    }
    const sender = await FfmpegProcess.create({
      ffmpegPath: o.ffmpegPath ?? 'ffmpeg',
      args,
      logger: getLogger('RtpSource', { colour: o.colour }),
    });
    sender.on('died', () => this.safeEmit('senderDied'));
    this.#sender = sender;
  }
}
