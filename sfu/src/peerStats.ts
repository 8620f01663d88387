import type { SfuPeer } from './SfuPeer.ts';

export interface PeerNetworkStats {
  /** Fraction of the venue's uplink packets lost (0..1), from its producers' RTP statistics. */
  uplinkLoss: number;
  /** Bits per second the venue sends. */
  uplinkBitrate: number;
  /** Round-trip time to the venue in ms (from its receiver reports), or null before any report. */
  rttMs: number | null;
  /** Fraction of the SFU's packets to the venue that it reports lost (0..1). */
  downlinkLoss: number;
  /** Bits per second the SFU sends to the venue. */
  downlinkBitrate: number;
}

type StatsEntry = { type?: string; fractionLost?: number; bitrate?: number; roundTripTime?: number };

/** Reads mediasoup's statistics of a peer's producers and (a sample of) its consumers. */
export async function collectPeerStats(peer: SfuPeer): Promise<PeerNetworkStats> {
  let uplinkLoss = 0;
  let uplinkBitrate = 0;
  for (const producer of peer.producers.values()) {
    const stats = (await producer.getStats()) as StatsEntry[];
    for (const s of stats) {
      uplinkBitrate += s.bitrate ?? 0;
      uplinkLoss = Math.max(uplinkLoss, (s.fractionLost ?? 0) / 256);
    }
  }
  let downlinkBitrate = 0;
  let downlinkLoss = 0;
  const rtts: number[] = [];
  const running = [...peer.consumers.values()].filter((c) => !c.paused).slice(0, 8);
  for (const consumer of running) {
    const stats = (await consumer.getStats()) as StatsEntry[];
    const out = stats.find((s) => s.type === 'outbound-rtp');
    if (!out) continue;
    downlinkBitrate += out.bitrate ?? 0;
    downlinkLoss = Math.max(downlinkLoss, (out.fractionLost ?? 0) / 256);
    if (out.roundTripTime) rtts.push(out.roundTripTime);
  }
  const rttMs = rtts.length ? Math.round(rtts.reduce((a, b) => a + b, 0) / rtts.length) : null;
  return { uplinkLoss, uplinkBitrate, rttMs, downlinkLoss, downlinkBitrate };
}

/** What the SFU receives of one producer: per simulcast layer (encoding order), packets so far. */
export interface ProducerUplink {
  producerId: string;
  source: string;
  kind: 'audio' | 'video';
  paused: boolean;
  layers: { layer: number; packetCount: number; bitrate: number }[];
}

type RecvEntry = { ssrc?: number; rid?: string; packetCount?: number; bitrate?: number };

/** Reads what the SFU actually receives from a peer's producers (dynacast shows here). */
export async function collectUplink(peer: SfuPeer): Promise<ProducerUplink[]> {
  const list: ProducerUplink[] = [];
  for (const producer of peer.producers.values()) {
    const encodings = producer.rtpParameters.encodings ?? [];
    const layers = encodings.map((_, layer) => ({ layer, packetCount: 0, bitrate: 0 }));
    for (const s of (await producer.getStats()) as RecvEntry[]) {
      const index = encodings.findIndex((e) => (e.rid !== undefined && e.rid === s.rid) || (e.ssrc !== undefined && e.ssrc === s.ssrc));
      const entry = layers[index < 0 ? 0 : index];
      if (!entry) continue;
      entry.packetCount += s.packetCount ?? 0;
      entry.bitrate += s.bitrate ?? 0;
    }
    list.push({ producerId: producer.id, source: String(producer.appData.source), kind: producer.kind, paused: producer.paused, layers });
  }
  return list;
}

export interface PeerCounts {
  transports: number;
  producers: number;
  consumers: number;
  /** Consumers delivering now (not paused). */
  activeConsumers: number;
}

/** Counts of a peer's live mediasoup objects (all zero for no peer). */
export function peerCounts(peer: SfuPeer | undefined): PeerCounts {
  return {
    transports: peer?.transports.size ?? 0,
    producers: peer?.producers.size ?? 0,
    consumers: peer?.consumers.size ?? 0,
    activeConsumers: peer ? [...peer.consumers.values()].filter((c) => !c.paused).length : 0,
  };
}

/** Transports, producers and consumers of all these peers together. */
export function totalCounts(peers: Iterable<SfuPeer>): Omit<PeerCounts, 'activeConsumers'> {
  const total = { transports: 0, producers: 0, consumers: 0 };
  for (const peer of peers) {
    const c = peerCounts(peer);
    total.transports += c.transports;
    total.producers += c.producers;
    total.consumers += c.consumers;
  }
  return total;
}
