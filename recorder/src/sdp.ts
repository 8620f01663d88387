import type { types } from 'mediasoup';

export interface SdpStream {
  kind: types.MediaKind;
  port: number;
  rtpParameters: types.RtpParameters;
}

/**
 * An SDP file describing plain RTP streams for ffmpeg: one m-line per stream, on its own port
 * (RTCP on port + 1), with the primary codec of the tap (retransmission codecs are left out:
 * ffmpeg never asks for retransmissions).
 */
export function buildSdp(ip: string, streams: SdpStream[]): string {
  const lines = ['v=0', `o=- 0 0 IN IP4 ${ip}`, 's=Yilian recorder', `c=IN IP4 ${ip}`, 't=0 0'];
  for (const stream of streams) {
    const codec = stream.rtpParameters.codecs.find((c) => !/\/(rtx|red|ulpfec)$/i.test(c.mimeType));
    if (!codec) throw new Error('the tap has no media codec');
    const name = codec.mimeType.split('/')[1] ?? '';
    const channels = stream.kind === 'audio' && codec.channels ? `/${codec.channels}` : '';
    lines.push(`m=${stream.kind} ${stream.port} RTP/AVP ${codec.payloadType}`);
    lines.push(`a=rtpmap:${codec.payloadType} ${name}/${codec.clockRate}${channels}`);
    const fmtp = Object.entries(codec.parameters ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(';');
    if (fmtp) lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`);
    lines.push('a=recvonly');
  }
  return lines.join('\r\n') + '\r\n';
}
