// ICE connectivity checks toward mediasoup (an ICE-lite server): the synthetic venue is the
// controlling agent and nominates the server's candidate with USE-CANDIDATE (RFC 8445 §7.2).
import { createHmac, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;

const ATTR_USERNAME = 0x0006;
const ATTR_MESSAGE_INTEGRITY = 0x0008;
const ATTR_PRIORITY = 0x0024;
const ATTR_USE_CANDIDATE = 0x0025;
const ATTR_FINGERPRINT = 0x8028;
const ATTR_ICE_CONTROLLING = 0x802a;

/** A STUN Binding request with short-term credentials, ready to send, and its transaction id. */
export function bindingRequest(options: {
  remoteUfrag: string;
  localUfrag: string;
  remotePassword: string;
  tieBreaker: Buffer;
}): { packet: Buffer; transactionId: Buffer } {
  const transactionId = randomBytes(12);
  const attributes: Buffer[] = [
    attribute(ATTR_USERNAME, Buffer.from(`${options.remoteUfrag}:${options.localUfrag}`)),
    attribute(ATTR_PRIORITY, uint32(0x6e0001ff)),
    attribute(ATTR_ICE_CONTROLLING, options.tieBreaker),
    attribute(ATTR_USE_CANDIDATE, Buffer.alloc(0)),
  ];
  let body = Buffer.concat(attributes);
  // MESSAGE-INTEGRITY covers the message with its length field already counting the attribute.
  const integrity = createHmac('sha1', options.remotePassword)
    .update(header(BINDING_REQUEST, body.length + 24, transactionId))
    .update(body)
    .digest();
  body = Buffer.concat([body, attribute(ATTR_MESSAGE_INTEGRITY, integrity)]);
  const withoutFingerprint = Buffer.concat([header(BINDING_REQUEST, body.length + 8, transactionId), body]);
  const fingerprint = uint32((crc32(withoutFingerprint) ^ 0x5354554e) >>> 0);
  return { packet: Buffer.concat([withoutFingerprint, attribute(ATTR_FINGERPRINT, fingerprint)]), transactionId };
}

/** Whether `packet` is a Binding success response to `transactionId`. */
export function isBindingSuccess(packet: Buffer, transactionId: Buffer): boolean {
  return (
    packet.length >= 20 &&
    packet.readUInt16BE(0) === BINDING_SUCCESS &&
    packet.readUInt32BE(4) === MAGIC_COOKIE &&
    packet.subarray(8, 20).equals(transactionId)
  );
}

function header(type: number, length: number, transactionId: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(length, 2);
  h.writeUInt32BE(MAGIC_COOKIE, 4);
  transactionId.copy(h, 8);
  return h;
}

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value, 0);
  return b;
}
