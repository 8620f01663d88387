import type { types } from 'mediasoup-client';
import { z } from 'zod';
import {
  dtlsParametersShape,
  rtpCapabilitiesShape,
  rtpParametersShape,
  transportInfoShape,
} from '../../../signaling/src/protocol/index.ts';

// What the server sends is checked against the shared shapes and typed as mediasoup-client's types.
const routerCapabilities = z.custom<types.RtpCapabilities>((v) => rtpCapabilitiesShape.safeParse(v).success, {
  message: 'the server sent invalid RTP capabilities',
});
const consumerRtpParameters = z.custom<types.RtpParameters>((v) => rtpParametersShape.safeParse(v).success, {
  message: 'the server sent invalid RTP parameters',
});
const transportOptions = z.custom<types.TransportOptions>(
  (v) => transportInfoShape.safeParse(v).success && dtlsParametersShape.safeParse((v as { dtlsParameters?: unknown }).dtlsParameters).success,
  { message: 'the server sent invalid transport parameters' },
);

export const wire = {
  routerCapabilities: (v: unknown) => routerCapabilities.parse(v),
  consumerRtpParameters: (v: unknown) => consumerRtpParameters.parse(v),
  transportOptions: (v: unknown) => transportOptions.parse(v),
};
