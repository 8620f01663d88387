import { z } from 'zod';
import type { types } from 'mediasoup';

// Shapes checked at the edge; mediasoup validates every detail again when it receives them.
const rtpCodecShape = z.looseObject({
  mimeType: z.string().max(64),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  rtcpFeedback: z.array(z.looseObject({ type: z.string(), parameter: z.string().optional() })).max(32).optional(),
});

export const rtpCapabilitiesShape = z.looseObject({
  codecs: z.array(rtpCodecShape.extend({ kind: z.enum(['audio', 'video']) })).max(64),
  headerExtensions: z.array(z.looseObject({ uri: z.string() })).max(64).optional(),
});

export const rtpParametersShape = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(rtpCodecShape.extend({ payloadType: z.number().int() })).min(1).max(16),
  headerExtensions: z.array(z.looseObject({ uri: z.string(), id: z.number().int() })).max(32).optional(),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  rtcp: z.looseObject({}).optional(),
});

export const dtlsParametersShape = z.object({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: z.string().max(16), value: z.string().max(256) }))
    .min(1)
    .max(8),
});

export const rtpCapabilitiesSchema = z.custom<types.RtpCapabilities>(
  (v) => rtpCapabilitiesShape.safeParse(v).success,
  { message: 'invalid RTP capabilities' },
);
export const rtpParametersSchema = z.custom<types.RtpParameters>(
  (v) => rtpParametersShape.safeParse(v).success,
  { message: 'invalid RTP parameters' },
);
export const dtlsParametersSchema = z.custom<types.DtlsParameters>(
  (v) => dtlsParametersShape.safeParse(v).success,
  { message: 'invalid DTLS parameters' },
);
export const transportInfoShape = z.looseObject({
  id: z.string(),
  iceParameters: z.looseObject({ usernameFragment: z.string(), password: z.string() }),
  iceCandidates: z
    .array(z.looseObject({ foundation: z.string(), ip: z.string().optional(), address: z.string().optional(), port: z.number(), protocol: z.enum(['udp', 'tcp']) }))
    .max(16),
  dtlsParameters: dtlsParametersShape,
});

export const mediaKindSchema = z.enum(['audio', 'video']);
export const mediaSourceSchema = z.enum(['camera', 'microphone']);
export type MediaSource = z.infer<typeof mediaSourceSchema>;
