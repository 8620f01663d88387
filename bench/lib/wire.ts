// What the synthetic venues read from the server, checked with schemas (the same shared protocol
// module the console uses) rather than cast.
import { z } from 'zod';
import { controlStateSchema, rtpCapabilitiesShape, transportInfoShape } from '../../signaling/src/protocol/index.ts';
import type { Ack } from '../../signaling/src/protocol/index.ts';

const codecSchema = z.looseObject({
  kind: z.enum(['audio', 'video']),
  mimeType: z.string(),
  clockRate: z.number(),
  channels: z.number().optional(),
  preferredPayloadType: z.number().optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  rtcpFeedback: z.array(z.looseObject({ type: z.string(), parameter: z.string().optional() })).optional(),
});

export const joinResponseSchema = z.looseObject({
  participantId: z.string(),
  chairVenueId: z.string(),
  isChair: z.boolean(),
  routerRtpCapabilities: rtpCapabilitiesShape.extend({ codecs: z.array(codecSchema) }),
  participants: z.array(z.looseObject({ id: z.string(), venueId: z.string() })),
  invited: z.array(z.looseObject({ venueId: z.string() })),
  control: controlStateSchema,
});
export type JoinResponse = z.infer<typeof joinResponseSchema>;
export type RouterCodec = z.infer<typeof codecSchema>;

export const transportSchema = transportInfoShape;

export const consumerNewSchema = z.object({
  consumer: z.looseObject({
    id: z.string(),
    producerId: z.string(),
    kind: z.enum(['audio', 'video']),
    venueId: z.string(),
    source: z.enum(['camera', 'microphone', 'programme']),
    rtpParameters: z.looseObject({ encodings: z.array(z.looseObject({ ssrc: z.number() })).min(1) }),
  }),
});

export const meetingStateSchema = z.object({ control: controlStateSchema });
export const participantJoinedSchema = z.object({ participant: z.looseObject({ venueId: z.string() }) });
export const participantLeftSchema = z.object({ venueId: z.string() });
export const consumerClosedSchema = z.object({ consumerId: z.string() });
export const producerDemandSchema = z.object({ producerId: z.string(), spatialLayer: z.number().int().min(0).nullable() });
export const producerCreatedSchema = z.object({ producerId: z.string() });
export const chairAckSchema = z.object({ version: z.number() });

/** The data of a successful ack, checked with `schema`; a refused request throws its message. */
export function ackData<T>(ack: Ack<unknown>, schema: z.ZodType<T>, what: string): T {
  if (!ack.ok) throw new Error(`${what} refused: ${ack.error.code} ${ack.error.message}`);
  return schema.parse(ack.data);
}
