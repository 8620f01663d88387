import type { types } from 'mediasoup';
import { types as mediasoupTypes } from 'mediasoup';
import { SfuError } from './SfuError.ts';

/** The plain data SfuRoom hands to signalling (it could live in another process). */
export interface TransportOptions {
  id: string;
  iceParameters: types.IceParameters;
  iceCandidates: types.IceCandidate[];
  dtlsParameters: types.DtlsParameters;
}

export interface ConsumerOptions {
  id: string;
  producerId: string;
  kind: types.MediaKind;
  rtpParameters: types.RtpParameters;
  producerPaused: boolean;
}

export interface ProducerInfo {
  producerId: string;
  peerId: string;
  kind: types.MediaKind;
  paused: boolean;
  source: string;
}

/** mediasoup rejects malformed or unsupported client parameters; report those as the client's fault. */
export async function rejectingBadParameters<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof TypeError || error instanceof mediasoupTypes.UnsupportedError) {
      throw new SfuError('bad_parameters', error.message);
    }
    throw error;
  }
}
