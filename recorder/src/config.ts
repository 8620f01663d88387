import path from 'node:path';
import { z } from 'zod';

const even = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .positive()
    .refine((n) => n % 2 === 0, { message: 'must be an even number of pixels' })
    .default(fallback);

const intFrom = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The recorder's configuration. This module is the only reader of the recorder's environment. */
export const recorderConfigSchema = z
  .object({
    /** Each recording gets a folder `<outputDir>/<recordingId>/` (playlist, segments, MP4). */
    outputDir: z
      .string()
      .min(1)
      .transform((p) => path.resolve(p)),
    ffmpegPath: z.string().min(1).default('ffmpeg'),
    /** Size and frame rate of the composite programme. */
    width: even(1280),
    height: even(720),
    fps: intFrom(25),
    /** HLS segment length in whole seconds (a key frame starts every segment). */
    segmentSeconds: intFrom(1),
    videoBitrateKbps: intFrom(2000),
    audioBitrateKbps: intFrom(64),
    /**
     * ultrafast: the encoder at about 13 % of a core for a 720p 2×2 (SSIM 0.984), which keeps one
     * whole recording under half a core; superfast is ~25 % (SSIM 0.990), veryfast ~35 % (0.991).
     */
    x264Preset: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium']).default('ultrafast'),
    /** UDP ports (pairs: RTP even, RTCP odd) the decoders listen on for plain RTP from the SFU. */
    portMin: intFrom(61000),
    portMax: intFrom(64999),
    /** Address the decoders bind and the SFU's plain taps send to. */
    rtpIp: z.string().min(1).default('127.0.0.1'),
  })
  .refine((c) => c.portMin < c.portMax, { message: 'RECORDER_PORT_MIN must be below RECORDER_PORT_MAX' });

export type RecorderConfig = z.infer<typeof recorderConfigSchema>;
export type RecorderConfigInput = z.input<typeof recorderConfigSchema>;

export function readRecorderConfig(env: NodeJS.ProcessEnv = process.env): RecorderConfig {
  return recorderConfigSchema.parse({
    outputDir: env.RECORDING_DIR || 'var/recordings',
    ffmpegPath: env.RECORDER_FFMPEG || undefined,
    width: env.RECORDER_WIDTH || undefined,
    height: env.RECORDER_HEIGHT || undefined,
    fps: env.RECORDER_FPS || undefined,
    segmentSeconds: env.RECORDER_SEGMENT_SECONDS || undefined,
    videoBitrateKbps: env.RECORDER_VIDEO_KBPS || undefined,
    audioBitrateKbps: env.RECORDER_AUDIO_KBPS || undefined,
    x264Preset: env.RECORDER_X264_PRESET || undefined,
    portMin: env.RECORDER_PORT_MIN || undefined,
    portMax: env.RECORDER_PORT_MAX || undefined,
    rtpIp: env.RECORDER_RTP_IP || undefined,
  });
}
