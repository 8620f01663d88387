// RTP rewriting for the programme relay: one outgoing stream fed by one source after another, made
// to look like a single continuous stream (SSRC, sequence numbers, timestamps, VP8 PictureID and
// TL0PICIDX), with the source's own SSRC as the one contributing source (RFC 3550 §6.4/CSRC), as a
// translator does.

/** Where one outgoing stream is and how the current source's numbering maps onto it. */
export interface StreamContinuity {
  seqOffset: number;
  tsOffset: number;
  picOffset: number;
  tl0Offset: number;
  last?: { seq: number; ts: number; at: number; pic?: number; tl0?: number };
}

/** The numbering fields of an RTP packet carrying VP8 (PictureID/TL0PICIDX when present). */
export interface RtpFields {
  seq: number;
  ts: number;
  pic?: number;
  tl0?: number;
}

export function readFields(packet: Buffer): RtpFields | null {
  const layout = vp8Layout(packet);
  if (!layout) return null;
  const fields: RtpFields = { seq: packet.readUInt16BE(2), ts: packet.readUInt32BE(4) };
  if (layout.pic !== undefined) fields.pic = layout.pic.long ? packet.readUInt16BE(layout.pic.at) & 0x7fff : packet[layout.pic.at]! & 0x7f;
  if (layout.tl0 !== undefined) fields.tl0 = packet[layout.tl0]!;
  return fields;
}

/**
 * Offsets that continue `stream` with a new source whose first packet has `first`: the next
 * sequence number, a timestamp advanced by the wall-clock time since the last packet, the next
 * PictureID and TL0PICIDX. A stream that never sent passes the source's numbering through.
 */
export function continueWith(stream: StreamContinuity, first: RtpFields, now: number, clockRate = 90000): void {
  const last = stream.last;
  if (!last) {
    Object.assign(stream, { seqOffset: 0, tsOffset: 0, picOffset: 0, tl0Offset: 0 });
    return;
  }
  const advance = Math.max(1, Math.round(((now - last.at) * clockRate) / 1000));
  stream.seqOffset = (last.seq + 1 - first.seq) & 0xffff;
  stream.tsOffset = (last.ts + advance - first.ts) >>> 0;
  if (last.pic !== undefined && first.pic !== undefined) stream.picOffset = (last.pic + 1 - first.pic) & 0x7fff;
  if (last.tl0 !== undefined && first.tl0 !== undefined) stream.tl0Offset = (last.tl0 + 1 - first.tl0) & 0xff;
}

/**
 * The packet as the programme sends it: its SSRC and payload type, numbering shifted by the
 * stream's offsets, and `csrc` as its only contributing source. Returns null for a packet too
 * short or malformed to carry VP8.
 */
export function rewritePacket(
  packet: Buffer,
  stream: StreamContinuity,
  out: { ssrc: number; payloadType: number; csrc: number },
  now: number,
): Buffer | null {
  const layout = vp8Layout(packet);
  if (!layout) return null;
  const cc = packet[0]! & 0x0f;
  // The header with exactly one CSRC, then the rest (extensions and payload) unchanged.
  const shift = 4 - 4 * cc;
  const result = Buffer.allocUnsafe(packet.length + shift);
  result[0] = (packet[0]! & 0xf0) | 1;
  result[1] = (packet[1]! & 0x80) | (out.payloadType & 0x7f);
  const seq = (packet.readUInt16BE(2) + stream.seqOffset) & 0xffff;
  const ts = (packet.readUInt32BE(4) + stream.tsOffset) >>> 0;
  result.writeUInt16BE(seq, 2);
  result.writeUInt32BE(ts, 4);
  result.writeUInt32BE(out.ssrc >>> 0, 8);
  result.writeUInt32BE(out.csrc >>> 0, 12);
  packet.copy(result, 16, 12 + 4 * cc);
  const last: NonNullable<StreamContinuity['last']> = { seq, ts, at: now, pic: stream.last?.pic, tl0: stream.last?.tl0 };
  if (layout.pic !== undefined) {
    const at = layout.pic.at + shift;
    if (layout.pic.long) {
      const pic = ((result.readUInt16BE(at) & 0x7fff) + stream.picOffset) & 0x7fff;
      result.writeUInt16BE(0x8000 | pic, at);
      last.pic = pic;
    } else {
      const pic = ((result[at]! & 0x7f) + stream.picOffset) & 0x7f;
      result[at] = pic;
      last.pic = pic;
    }
  }
  if (layout.tl0 !== undefined) {
    const at = layout.tl0 + shift;
    const tl0 = (result[at]! + stream.tl0Offset) & 0xff;
    result[at] = tl0;
    last.tl0 = tl0;
  }
  stream.last = last;
  return result;
}

/** Offsets of the VP8 payload descriptor's PictureID and TL0PICIDX in an RTP packet (RFC 7741 §4.2). */
function vp8Layout(packet: Buffer): { pic?: { at: number; long: boolean }; tl0?: number } | null {
  if (packet.length < 13 || packet[0]! >> 6 !== 2) return null;
  const cc = packet[0]! & 0x0f;
  let offset = 12 + 4 * cc;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return null;
    offset += 4 + 4 * packet.readUInt16BE(offset + 2);
  }
  if (packet.length <= offset) return null;
  const layout: { pic?: { at: number; long: boolean }; tl0?: number } = {};
  if (!(packet[offset]! & 0x80)) return layout;
  const flags = packet[offset + 1];
  if (flags === undefined) return null;
  let at = offset + 2;
  if (flags & 0x80) {
    if (packet.length <= at) return null;
    const long = Boolean(packet[at]! & 0x80);
    layout.pic = { at, long };
    at += long ? 2 : 1;
  }
  if (flags & 0x40) {
    if (packet.length <= at) return null;
    layout.tl0 = at;
  }
  return layout;
}

/** SSRCs a compound RTCP packet asks a keyframe of (PLI, FIR). */
export function keyframeRequests(rtcp: Buffer): number[] {
  const ssrcs: number[] = [];
  for (let offset = 0; offset + 4 <= rtcp.length; ) {
    const length = (rtcp.readUInt16BE(offset + 2) + 1) * 4;
    const type = rtcp[offset + 1];
    const fmt = rtcp[offset]! & 0x1f;
    if (type === 206 && fmt === 1 && offset + 12 <= rtcp.length) ssrcs.push(rtcp.readUInt32BE(offset + 8));
    if (type === 206 && fmt === 4) {
      for (let fci = offset + 12; fci + 8 <= Math.min(offset + length, rtcp.length); fci += 8) ssrcs.push(rtcp.readUInt32BE(fci));
    }
    offset += length;
  }
  return ssrcs;
}

/** An RTCP Sender Report (RFC 3550 §6.4.1) tying an RTP timestamp to wall-clock time. */
export function senderReport(r: { ssrc: number; now: number; rtpTimestamp: number; packets: number; octets: number }): Buffer {
  const packet = Buffer.alloc(28);
  packet[0] = 0x80;
  packet[1] = 200;
  packet.writeUInt16BE(6, 2);
  packet.writeUInt32BE(r.ssrc >>> 0, 4);
  const seconds = Math.floor(r.now / 1000) + 2_208_988_800;
  packet.writeUInt32BE(seconds >>> 0, 8);
  packet.writeUInt32BE(Math.floor(((r.now % 1000) / 1000) * 0x100000000) >>> 0, 12);
  packet.writeUInt32BE(r.rtpTimestamp >>> 0, 16);
  packet.writeUInt32BE(r.packets >>> 0, 20);
  packet.writeUInt32BE(r.octets >>> 0, 24);
  return packet;
}
