// SRTP for RTP packets (RFC 3711 AES_CM_128_HMAC_SHA1_80, RFC 7714 AEAD_AES_128_GCM) on Node's
// crypto, about twice as fast per packet as werift's general-purpose session (which this bench
// still uses for the rare SRTCP packets). Only RTP headers without CSRCs or extensions are built
// here, which is all the synthetic venues send.
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';

export const PROFILE_AES128_CM_SHA1_80 = 1;
export const PROFILE_AEAD_AES_128_GCM = 7;
export type SrtpProfile = typeof PROFILE_AES128_CM_SHA1_80 | typeof PROFILE_AEAD_AES_128_GCM;

export function masterSaltLength(profile: SrtpProfile): number {
  return profile === PROFILE_AEAD_AES_128_GCM ? 12 : 14;
}

interface SessionKeys {
  key: Buffer;
  salt: Buffer;
  auth: Buffer;
}

/** RFC 3711 §4.3.1 key derivation (key derivation rate 0) for the SRTP labels 0, 1, 2. */
function deriveSrtpKeys(masterKey: Buffer, masterSalt: Buffer, saltLength: number): SessionKeys {
  // A 12-byte GCM master salt is zero-padded to the 14 bytes the AES-CM PRF works on (as libsrtp does).
  const salt14 = Buffer.alloc(14);
  masterSalt.copy(salt14);
  const prf = (label: number, length: number) => {
    const x = Buffer.alloc(16);
    salt14.copy(x);
    x[7]! ^= label;
    const blocks = Buffer.alloc(Math.ceil(length / 16) * 16);
    for (let i = 0; i < blocks.length / 16; i++) {
      x.copy(blocks, i * 16);
      blocks.writeUInt16BE(i, i * 16 + 14);
    }
    const ecb = createCipheriv('aes-128-ecb', masterKey, null).setAutoPadding(false);
    return Buffer.concat([ecb.update(blocks), ecb.final()]).subarray(0, length);
  };
  return { key: prf(0, 16), auth: prf(1, 20), salt: prf(2, saltLength) };
}

/** Per-SSRC rollover counter estimation on the receiving side (RFC 3711 Appendix A). */
class RocTracker {
  readonly #state = new Map<number, { roc: number; highest: number }>();

  /** The ROC to authenticate this packet with; `commit` it once the packet proved authentic. */
  guess(ssrc: number, seq: number): number {
    const s = this.#state.get(ssrc);
    if (!s) return 0;
    if (s.highest < 32768) return seq - s.highest > 32768 ? s.roc - 1 : s.roc;
    return s.highest - 32768 > seq ? s.roc + 1 : s.roc;
  }

  commit(ssrc: number, seq: number, roc: number): void {
    const s = this.#state.get(ssrc);
    if (!s) this.#state.set(ssrc, { roc, highest: seq });
    else if (roc > s.roc) Object.assign(s, { roc, highest: seq });
    else if (roc === s.roc && seq > s.highest) s.highest = seq;
  }
}

/** Protects outgoing RTP packets of one DTLS-SRTP association. */
export class SrtpSender {
  readonly #profile: SrtpProfile;
  readonly #keys: SessionKeys;

  constructor(profile: SrtpProfile, masterKey: Buffer, masterSalt: Buffer) {
    this.#profile = profile;
    this.#keys = deriveSrtpKeys(masterKey, masterSalt, masterSaltLength(profile));
  }

  /**
   * Encrypts an RTP packet with a 12-byte header; `roc` is the sender's rollover counter for it.
   * Returns the SRTP packet as pieces for a gathering send (no copy into one buffer).
   */
  protect(packet: Buffer, roc: number): Buffer[] {
    const header = packet.subarray(0, 12);
    const payload = packet.subarray(12);
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    if (this.#profile === PROFILE_AEAD_AES_128_GCM) {
      const cipher = createCipheriv('aes-128-gcm', this.#keys.key, gcmIv(this.#keys.salt, ssrc, roc, seq));
      cipher.setAAD(header);
      const encrypted = cipher.update(payload);
      cipher.final();
      return [header, encrypted, cipher.getAuthTag()];
    }
    const cipher = createCipheriv('aes-128-ctr', this.#keys.key, ctrIv(this.#keys.salt, ssrc, roc, seq));
    const encrypted = cipher.update(payload);
    const tag = createHmac('sha1', this.#keys.auth).update(header).update(encrypted).update(uint32(roc)).digest().subarray(0, 10);
    return [header, encrypted, tag];
  }
}

/**
 * Authenticates incoming SRTP packets. The bench reads SSRC and sequence number from the clear
 * header of every packet and checks the authentication tag of a sample (see SyntheticVenue).
 */
export class SrtpReceiver {
  readonly #profile: SrtpProfile;
  readonly #keys: SessionKeys;
  readonly #roc = new RocTracker();

  constructor(profile: SrtpProfile, masterKey: Buffer, masterSalt: Buffer) {
    this.#profile = profile;
    this.#keys = deriveSrtpKeys(masterKey, masterSalt, masterSaltLength(profile));
  }

  /** Tracks the rollover counter from a packet's clear header (call for every packet). */
  observe(ssrc: number, seq: number): number {
    const roc = this.#roc.guess(ssrc, seq);
    this.#roc.commit(ssrc, seq, roc);
    return roc;
  }

  /** Checks a packet's authentication tag (and for GCM decrypts it); returns the payload or null. */
  unprotect(packet: Buffer, roc: number): Buffer | null {
    const headerLength = rtpHeaderLength(packet);
    if (headerLength < 0) return null;
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    if (this.#profile === PROFILE_AEAD_AES_128_GCM) {
      if (packet.length < headerLength + 16) return null;
      const decipher = createDecipheriv('aes-128-gcm', this.#keys.key, gcmIv(this.#keys.salt, ssrc, roc, seq));
      decipher.setAAD(packet.subarray(0, headerLength));
      decipher.setAuthTag(packet.subarray(packet.length - 16));
      const payload = decipher.update(packet.subarray(headerLength, packet.length - 16));
      try {
        decipher.final();
      } catch {
        return null;
      }
      return payload;
    }
    if (packet.length < headerLength + 10) return null;
    const authenticated = packet.subarray(0, packet.length - 10);
    const tag = createHmac('sha1', this.#keys.auth).update(authenticated).update(uint32(roc)).digest().subarray(0, 10);
    if (!timingSafeEqual(tag, packet.subarray(packet.length - 10))) return null;
    const decipher = createDecipheriv('aes-128-ctr', this.#keys.key, ctrIv(this.#keys.salt, ssrc, roc, seq));
    return decipher.update(packet.subarray(headerLength, packet.length - 10));
  }
}

/** Length of an RTP header with its CSRCs and header extension, or -1 if malformed. */
export function rtpHeaderLength(packet: Buffer): number {
  if (packet.length < 12) return -1;
  let length = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < length + 4) return -1;
    length += 4 + packet.readUInt16BE(length + 2) * 4;
  }
  return packet.length >= length ? length : -1;
}

function gcmIv(salt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeUInt32BE(ssrc, 2);
  iv.writeUInt32BE(roc >>> 0, 6);
  iv.writeUInt16BE(seq, 10);
  for (let i = 0; i < 12; i++) iv[i]! ^= salt[i]!;
  return iv;
}

function ctrIv(salt: Buffer, ssrc: number, roc: number, seq: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(ssrc, 4);
  iv.writeUInt32BE(roc >>> 0, 8);
  iv.writeUInt16BE(seq, 12);
  for (let i = 0; i < 14; i++) iv[i]! ^= salt[i]!;
  return iv;
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return b;
}
