// The pre-encoded media every synthetic venue replays: a camera clip encoded once by ffmpeg into
// three VP8 simulcast layers (IVF) and a microphone clip encoded once into Opus (Ogg), cached in
// var/bench-media keyed by the encoding settings. Replaying costs no encoding per venue.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

export interface ClipSettings {
  width: number;
  height: number;
  fps: number;
  seconds: number;
  /** Target bitrate of each simulcast layer, lowest first (bit/s); layer i is scaled down by 2^(n-1-i). */
  layerBitrates: number[];
  opusBitrate: number;
}

/** The console's camera (640×480 at 20 fps) and its three simulcast layers' caps (MediaSession.ts). */
export const CONSOLE_CLIP: ClipSettings = {
  width: 640,
  height: 480,
  fps: 20,
  seconds: 10,
  layerBitrates: [150_000, 400_000, 1_200_000],
  opusBitrate: 32_000,
};

export interface VideoFrame {
  data: Buffer;
  keyframe: boolean;
}

export interface Clip {
  settings: ClipSettings;
  /** Frames of each simulcast layer, lowest layer first; frame 0 of each is a keyframe (the only one). */
  layers: VideoFrame[][];
  /** Opus packets of 20 ms each. */
  opus: Buffer[];
}

const MEDIA_DIR = path.resolve(import.meta.dirname, '../../var/bench-media');

/** Encodes the clip with ffmpeg unless the cache has it, and returns the cache folder. */
export async function prepareClip(settings: ClipSettings): Promise<string> {
  const key = [settings.width, settings.height, settings.fps, settings.seconds, ...settings.layerBitrates, settings.opusBitrate].join('-');
  const dir = path.join(MEDIA_DIR, `clip-${key}`);
  if (existsSync(path.join(dir, 'done'))) return dir;
  await mkdir(dir, { recursive: true });
  const n = settings.layerBitrates.length;
  const args = ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${settings.width}x${settings.height}:rate=${settings.fps}`];
  const split = settings.layerBitrates.map((_, i) => `[s${i}]`).join('');
  const scales = settings.layerBitrates
    .map((_, i) => {
      const down = 2 ** (n - 1 - i);
      return `[s${i}]scale=${settings.width / down}:${settings.height / down}[l${i}]`;
    })
    .join(';');
  args.push('-filter_complex', `[0:v]split=${n}${split};${scales}`);
  settings.layerBitrates.forEach((bitrate, i) => {
    args.push(
      '-map', `[l${i}]`, '-t', String(settings.seconds), '-c:v', 'libvpx',
      '-b:v', String(bitrate), '-minrate', String(bitrate), '-maxrate', String(bitrate),
      '-deadline', 'realtime', '-cpu-used', '8', '-lag-in-frames', '0', '-auto-alt-ref', '0', '-error-resilient', '1',
      // One keyframe at the start: a venue asked for a keyframe (PLI/FIR) restarts the clip there.
      '-g', '100000', '-keyint_min', '100000',
      '-f', 'ivf', path.join(dir, `layer${i}.ivf.tmp`),
    );
  });
  await promisify(execFile)('ffmpeg', args);
  await promisify(execFile)('ffmpeg', [
    '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(settings.seconds),
    '-c:a', 'libopus', '-b:a', String(settings.opusBitrate), '-frame_duration', '20', '-application', 'voip', '-f', 'ogg',
    path.join(dir, 'audio.ogg.tmp'),
  ]);
  for (let i = 0; i < n; i++) await rename(path.join(dir, `layer${i}.ivf.tmp`), path.join(dir, `layer${i}.ivf`));
  await rename(path.join(dir, 'audio.ogg.tmp'), path.join(dir, 'audio.ogg'));
  await writeFile(path.join(dir, 'settings.json'), JSON.stringify(settings));
  await writeFile(path.join(dir, 'done'), '');
  return dir;
}

export async function loadClip(dir: string): Promise<Clip> {
  const settings = JSON.parse(await readFile(path.join(dir, 'settings.json'), 'utf8')) as ClipSettings;
  const layers: VideoFrame[][] = [];
  for (let i = 0; i < settings.layerBitrates.length; i++) layers.push(parseIvf(await readFile(path.join(dir, `layer${i}.ivf`))));
  const opus = parseOggOpus(await readFile(path.join(dir, 'audio.ogg')));
  return { settings, layers, opus };
}

/** IVF: a 32-byte file header, then per frame a 12-byte header (size, pts) and the frame. */
function parseIvf(file: Buffer): VideoFrame[] {
  if (file.toString('ascii', 0, 4) !== 'DKIF') throw new Error('not an IVF file');
  const frames: VideoFrame[] = [];
  let offset = file.readUInt16LE(6);
  while (offset + 12 <= file.length) {
    const size = file.readUInt32LE(offset);
    const data = file.subarray(offset + 12, offset + 12 + size);
    // VP8 frame tag: bit 0 of the first byte is 0 for a keyframe.
    frames.push({ data, keyframe: (data[0]! & 0x01) === 0 });
    offset += 12 + size;
  }
  if (!frames[0]?.keyframe) throw new Error('the clip does not start with a keyframe');
  return frames;
}

/** Ogg pages → Opus packets (lacing values of 255 continue a packet), without the two header packets. */
function parseOggOpus(file: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  let offset = 0;
  while (offset + 27 <= file.length) {
    if (file.toString('ascii', offset, offset + 4) !== 'OggS') throw new Error('bad Ogg page');
    const segments = file[offset + 26]!;
    const table = file.subarray(offset + 27, offset + 27 + segments);
    let data = offset + 27 + segments;
    for (const lacing of table) {
      pending.push(file.subarray(data, data + lacing));
      data += lacing;
      if (lacing < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    offset = data;
  }
  const audio = packets.filter((p) => !p.subarray(0, 8).equals(Buffer.from('OpusHead')) && !p.subarray(0, 8).equals(Buffer.from('OpusTags')));
  if (audio.length === 0) throw new Error('no Opus packets in the clip');
  return audio;
}
