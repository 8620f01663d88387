// RTP packetisation of the replayed clip: VP8 (RFC 7741, with a 15-bit PictureID as browsers
// send) and Opus (one 20 ms packet per RTP packet), with each venue's own SSRCs, sequence
// numbers and timestamps.
import { randomInt } from 'node:crypto';

/** Largest VP8 payload chunk per RTP packet (a browser's packets are about this size). */
const MAX_VP8_CHUNK = 1150;

/** One outgoing RTP stream's numbering. */
export class RtpStreamState {
  readonly ssrc: number;
  readonly payloadType: number;
  #seq = randomInt(0, 0x10000);
  #roc = 0;
  timestamp = randomInt(0, 0x100000000);

  constructor(ssrc: number, payloadType: number) {
    this.ssrc = ssrc;
    this.payloadType = payloadType;
  }

  /** A plain RTP packet (12-byte header + payload) and the rollover counter to protect it with. */
  packet(payload: Buffer[], marker: boolean): { packet: Buffer; roc: number } {
    const length = payload.reduce((n, p) => n + p.length, 0);
    const packet = Buffer.allocUnsafe(12 + length);
    packet[0] = 0x80;
    packet[1] = (marker ? 0x80 : 0) | this.payloadType;
    packet.writeUInt16BE(this.#seq, 2);
    packet.writeUInt32BE(this.timestamp >>> 0, 4);
    packet.writeUInt32BE(this.ssrc, 8);
    let offset = 12;
    for (const p of payload) offset += p.copy(packet, offset);
    const roc = this.#roc;
    this.#seq = (this.#seq + 1) & 0xffff;
    if (this.#seq === 0) this.#roc++;
    return { packet, roc };
  }
}

/** Splits a VP8 frame into RTP packets with a payload descriptor carrying the PictureID. */
export function vp8Packets(stream: RtpStreamState, frame: Buffer, pictureId: number): { packet: Buffer; roc: number }[] {
  const packets: { packet: Buffer; roc: number }[] = [];
  for (let offset = 0; offset < frame.length; offset += MAX_VP8_CHUNK) {
    const chunk = frame.subarray(offset, Math.min(frame.length, offset + MAX_VP8_CHUNK));
    const descriptor = Buffer.from([
      // X (extension present), S (start of partition) on the first packet, partition 0.
      0x80 | (offset === 0 ? 0x10 : 0),
      // I: PictureID present.
      0x80,
      // M bit + 15-bit PictureID.
      0x80 | ((pictureId >> 8) & 0x7f),
      pictureId & 0xff,
    ]);
    packets.push(stream.packet([descriptor, chunk], offset + MAX_VP8_CHUNK >= frame.length));
  }
  return packets;
}

/** A fresh random SSRC (never 0, never mediasoup's probation SSRC 1234). */
export function randomSsrc(taken: Set<number>): number {
  for (;;) {
    const ssrc = randomInt(1, 0xffffffff);
    if (ssrc !== 1234 && !taken.has(ssrc)) {
      taken.add(ssrc);
      return ssrc;
    }
  }
}
