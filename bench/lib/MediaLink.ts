// One synthetic venue's WebRTC transport toward mediasoup, without a browser: a UDP socket on
// loopback, ICE connectivity checks (the venue controls and nominates; mediasoup is ICE-lite),
// a DTLS 1.2 handshake as DTLS client (werift's DtlsClient, certificate fingerprints checked both
// ways) and DTLS-SRTP keys for the media. RFC 7983 demultiplexes STUN, DTLS and (S)RTP(C)P.
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { CipherContext, DtlsClient, HashAlgorithm, NamedCurveAlgorithm, SignatureAlgorithm, SrtcpSession, type SignatureHash } from 'werift';
import { bindingRequest, isBindingSuccess } from './stun.ts';
import {
  masterSaltLength,
  PROFILE_AEAD_AES_128_GCM,
  PROFILE_AES128_CM_SHA1_80,
  SrtpReceiver,
  SrtpSender,
  type SrtpProfile,
} from './srtp.ts';

export interface RemoteTransport {
  id: string;
  iceParameters: { usernameFragment: string; password: string };
  iceCandidates: { ip?: string; address?: string; port: number; protocol: 'udp' | 'tcp' }[];
  dtlsParameters: { fingerprints: { algorithm: string; value: string }[] };
}

/** The DTLS certificate all venues of one process present (a browser also reuses its certificate). */
export interface LocalCertificate {
  certPem: string;
  keyPem: string;
  signatureHash: SignatureHash;
  fingerprint: string;
}

export async function createCertificate(): Promise<LocalCertificate> {
  const { certPem, keyPem, signatureHash } = await CipherContext.createSelfSignedCertificateWithKey(
    { signature: SignatureAlgorithm.ecdsa_3, hash: HashAlgorithm.sha256_4 },
    NamedCurveAlgorithm.secp256r1_23,
  );
  const der = Buffer.from(certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return { certPem, keyPem, signatureHash, fingerprint: sha256Fingerprint(der) };
}

function sha256Fingerprint(der: Buffer): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

const ICE_RETRY_MS = 50;
const ICE_MAX_RETRY_MS = 500;
const ICE_TIMEOUT_MS = 30_000;
const ICE_KEEPALIVE_MS = 10_000;

export type RtpHandler = (packet: Buffer, at: number) => void;
export type RtcpHandler = (packet: Buffer) => void;

/** Video packets kept per link for NACK retransmission (about 2 s of a venue's camera). */
const RTX_HISTORY = 256;

/**
 * A connected SRTP path. `sendRtp` protects and sends a plain RTP packet; `onRtp` receives the
 * still-protected packets (the receiver decides what to authenticate); `onRtcp` gets decrypted RTCP.
 */
export class MediaLink {
  readonly remoteId: string;
  readonly #socket: dgram.Socket;
  readonly #ice: { ufrag: string; password: string; localUfrag: string; tieBreaker: Buffer };
  readonly #remoteFingerprints: { algorithm: string; value: string }[];
  readonly #now: () => number;
  #dtls: DtlsClient | undefined;
  #dtlsData: ((data: Buffer) => void) | undefined;
  #stunAnswered: ((packet: Buffer) => void) | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  #sender: SrtpSender | undefined;
  #receiver: SrtpReceiver | undefined;
  #srtcp: SrtcpSession | undefined;
  #rtpHandler: RtpHandler | undefined;
  #rtcpHandler: RtcpHandler | undefined;
  /** The last RTX_HISTORY kept packets as sent (SRTP parts) by SSRC and sequence number, oldest first out. */
  readonly #history = new Map<number, Buffer[]>();
  readonly #historyKeys: (number | undefined)[] = new Array(RTX_HISTORY);
  #historyNext = 0;
  #closed = false;
  /** Packets whose sending failed (socket errors), counted rather than thrown on the hot path. */
  sendErrors = 0;
  rtcpReceived = 0;
  rtcpFailures = 0;

  static async create(options: { remote: RemoteTransport; now: () => number }): Promise<MediaLink> {
    const candidate = options.remote.iceCandidates.find((c) => c.protocol === 'udp');
    const address = candidate?.address ?? candidate?.ip;
    if (!candidate || !address) throw new Error('the transport offers no UDP candidate');
    // A large receive buffer keeps the synthetic venue's own scheduling hiccups from showing as loss.
    const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => {
        // A connected socket sends without a per-packet address lookup.
        socket.connect(candidate.port, address, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    });
    return new MediaLink(options.remote, socket, options.now);
  }

  private constructor(remote: RemoteTransport, socket: dgram.Socket, now: () => number) {
    this.remoteId = remote.id;
    this.#socket = socket;
    this.#now = now;
    this.#ice = {
      ufrag: remote.iceParameters.usernameFragment,
      password: remote.iceParameters.password,
      localUfrag: randomBytes(6).toString('hex'),
      tieBreaker: randomBytes(8),
    };
    this.#remoteFingerprints = remote.dtlsParameters.fingerprints;
    socket.on('message', (data) => this.#onMessage(data));
    socket.on('error', () => {
      this.sendErrors++;
    });
  }

  /** What to tell the server in `transport.connect`: we are the DTLS client, with this certificate. */
  static dtlsParameters(cert: LocalCertificate) {
    return { role: 'client' as const, fingerprints: [{ algorithm: 'sha-256', value: cert.fingerprint }] };
  }

  /** ICE (nominating the server's UDP candidate), then the DTLS handshake and SRTP keys. */
  async connect(cert: LocalCertificate): Promise<{ profile: SrtpProfile }> {
    await this.#iceCheck();
    this.#keepalive = setInterval(() => {
      this.#sendStun();
    }, ICE_KEEPALIVE_MS);
    const dtls = new DtlsClient({
      cert: cert.certPem,
      key: cert.keyPem,
      signatureHash: cert.signatureHash,
      // Our preference; mediasoup chooses among them.
      srtpProfiles: [PROFILE_AEAD_AES_128_GCM, PROFILE_AES128_CM_SHA1_80],
      extendedMasterSecret: true,
      transport: {
        type: 'udp',
        address: { address: '127.0.0.1', port: 0, family: 'IPv4' },
        closed: false,
        onData: () => {},
        send: async (data: Buffer) => {
          this.#send(data);
        },
        close: async () => {},
      },
    });
    this.#dtls = dtls;
    // DtlsSocket installs its receive function as the transport's onData.
    this.#dtlsData = (data) => (dtls.transport.socket as unknown as { onData: (d: Buffer) => void }).onData(data);
    await new Promise<void>((resolve, reject) => {
      dtls.onConnect.once(() => resolve());
      dtls.onError.once((error) => reject(error));
      dtls.connect().catch(reject);
    });
    const remoteCert = dtls.remoteCertificate;
    const expected = this.#remoteFingerprints.find((f) => f.algorithm === 'sha-256')?.value.toUpperCase();
    if (!remoteCert || !expected || sha256Fingerprint(Buffer.from(remoteCert)) !== expected) {
      throw new Error('the server DTLS certificate does not match its fingerprint');
    }
    const profile = dtls.srtp.srtpProfile as SrtpProfile | undefined;
    if (profile !== PROFILE_AEAD_AES_128_GCM && profile !== PROFILE_AES128_CM_SHA1_80) throw new Error('no SRTP profile negotiated');
    const keys = dtls.extractSessionKeys(16, masterSaltLength(profile));
    this.#sender = new SrtpSender(profile, keys.localKey, keys.localSalt);
    this.#receiver = new SrtpReceiver(profile, keys.remoteKey, keys.remoteSalt);
    this.#srtcp = new SrtcpSession({
      keys: { localMasterKey: keys.localKey, localMasterSalt: keys.localSalt, remoteMasterKey: keys.remoteKey, remoteMasterSalt: keys.remoteSalt },
      profile,
    });
    return { profile };
  }

  get receiver(): SrtpReceiver {
    if (!this.#receiver) throw new Error('the link is not connected');
    return this.#receiver;
  }

  onRtp(handler: RtpHandler): void {
    this.#rtpHandler = handler;
  }

  onRtcp(handler: RtcpHandler): void {
    this.#rtcpHandler = handler;
  }

  /**
   * Protects and sends an RTP packet (12-byte header); `roc` is the sender's rollover counter.
   * With `keep`, the protected packet is kept a little while for retransmission on a NACK.
   */
  sendRtp(packet: Buffer, roc: number, keep = false): void {
    if (!this.#sender || this.#closed) return;
    const protectedPacket = this.#sender.protect(packet, roc);
    if (keep) {
      const key = packet.readUInt32BE(8) * 0x10000 + packet.readUInt16BE(2);
      const old = this.#historyKeys[this.#historyNext];
      if (old !== undefined) this.#history.delete(old);
      this.#historyKeys[this.#historyNext] = key;
      this.#history.set(key, protectedPacket);
      this.#historyNext = (this.#historyNext + 1) % RTX_HISTORY;
    }
    this.#send(protectedPacket);
  }

  /**
   * Sends again the kept packets a NACK names (as a browser does, here without an RTX stream: the
   * same SRTP packet, which the receiver never got, so its replay check accepts it).
   */
  resend(ssrc: number, seqs: number[]): number {
    let sent = 0;
    for (const seq of seqs) {
      const packet = this.#history.get(ssrc * 0x10000 + seq);
      if (!packet) continue;
      this.#send(packet);
      sent++;
    }
    return sent;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keepalive);
    this.#dtls?.close();
    this.#socket.close();
  }

  /** Binding requests until one is answered (any of them: a late answer to an earlier one counts). */
  async #iceCheck(): Promise<void> {
    const started = this.#now();
    const sent: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.#stunAnswered = (packet) => {
          if (sent.some((id) => isBindingSuccess(packet, id))) resolve();
        };
        const attempt = (delay: number) => {
          if (this.#closed) return reject(new Error('closed during ICE'));
          if (this.#now() - started > ICE_TIMEOUT_MS) return reject(new Error('ICE connectivity check timed out'));
          sent.push(this.#sendStun().transactionId);
          timer = setTimeout(() => attempt(Math.min(delay * 2, ICE_MAX_RETRY_MS)), delay);
        };
        attempt(ICE_RETRY_MS);
      });
    } finally {
      clearTimeout(timer);
      this.#stunAnswered = undefined;
    }
  }

  #sendStun(): { transactionId: Buffer } {
    const { packet, transactionId } = bindingRequest({
      remoteUfrag: this.#ice.ufrag,
      localUfrag: this.#ice.localUfrag,
      remotePassword: this.#ice.password,
      tieBreaker: this.#ice.tieBreaker,
    });
    this.#send(packet);
    return { transactionId };
  }

  #send(data: Buffer | Buffer[]): void {
    if (this.#closed) return;
    this.#socket.send(data);
  }

  #onMessage(data: Buffer): void {
    const first = data[0] ?? 0;
    if (first >= 128 && first <= 191) {
      const pt = data[1] ?? 0;
      if (pt >= 192 && pt <= 223) this.#onRtcp(data);
      else this.#rtpHandler?.(data, this.#now());
    } else if (first >= 20 && first <= 63) {
      this.#dtlsData?.(data);
    } else if (first <= 3) {
      this.#stunAnswered?.(data);
    }
  }

  #onRtcp(data: Buffer): void {
    if (!this.#srtcp || !this.#rtcpHandler) return;
    let plain: Buffer;
    try {
      plain = this.#srtcp.decrypt(data);
    } catch {
      this.rtcpFailures++;
      return;
    }
    this.rtcpReceived++;
    this.#rtcpHandler(plain);
  }
}
