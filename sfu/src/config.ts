import { existsSync } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';

const LOG_LEVELS = ['debug', 'warn', 'error', 'none'] as const;

const intFromEnv = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The SFU service's configuration. This module is the only reader of the SFU's environment. */
export const sfuConfigSchema = z.object({
  /** Path of the mediasoup-worker binary (mediasoup itself reads MEDIASOUP_WORKER_BIN). */
  workerBin: z
    .string()
    .min(1, 'MEDIASOUP_WORKER_BIN must name the mediasoup-worker binary (npm start builds it)')
    .refine((p) => existsSync(p), { message: 'MEDIASOUP_WORKER_BIN does not exist' }),
  numWorkers: intFromEnv(Math.max(1, os.availableParallelism())),
  /**
   * Worker i's WebRtcServer listens on UDP and TCP port rtcPortBase + i. Below Linux's ephemeral
   * range (32768–60999): a fixed listening port there can be taken by any outgoing connection.
   */
  rtcPortBase: intFromEnv(20000),
  rtcListenIp: z.string().default('0.0.0.0'),
  /** Address browsers are told to send media to (the county intranet address). */
  announcedAddress: z.string().min(1).optional(),
  workerLogLevel: z.enum(LOG_LEVELS).default('warn'),
  /** Consumers per worker before a new router goes to another worker. */
  maxConsumersPerWorker: intFromEnv(500),
  initialOutgoingBitrate: intFromEnv(1_000_000),
});

export type SfuConfig = z.infer<typeof sfuConfigSchema>;

/**
 * The address to announce when none is configured: with a wildcard listen address, the machine's
 * first non-internal IPv4 address (or loopback when there is none, as in an isolated test host).
 */
export function defaultAnnouncedAddress(listenIp: string): string {
  if (listenIp !== '0.0.0.0') return listenIp;
  for (const addresses of Object.values(os.networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  return '127.0.0.1';
}

export function readSfuConfig(env: NodeJS.ProcessEnv = process.env): SfuConfig {
  const config = sfuConfigSchema.parse({
    workerBin: env.MEDIASOUP_WORKER_BIN ?? '',
    numWorkers: env.SFU_WORKERS || undefined,
    rtcPortBase: env.SFU_RTC_PORT_BASE || undefined,
    rtcListenIp: env.SFU_LISTEN_IP || undefined,
    announcedAddress: env.SFU_ANNOUNCED_ADDRESS || undefined,
    workerLogLevel: env.SFU_WORKER_LOG_LEVEL || undefined,
    maxConsumersPerWorker: env.SFU_MAX_CONSUMERS_PER_WORKER || undefined,
    initialOutgoingBitrate: env.SFU_INITIAL_OUTGOING_BITRATE || undefined,
  });
  return { ...config, announcedAddress: config.announcedAddress ?? defaultAnnouncedAddress(config.rtcListenIp) };
}
