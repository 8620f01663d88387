import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { Rect } from '../layouts.ts';

const run = promisify(execFile);

const probeSchema = z.object({
  format: z.object({ duration: z.coerce.number(), format_name: z.string() }),
  streams: z.array(
    z.object({
      codec_type: z.string(),
      codec_name: z.string(),
      width: z.number().optional(),
      height: z.number().optional(),
      duration: z.coerce.number().optional(),
    }),
  ),
});

/** ffprobe's view of a file or playlist; `errors` is what ffprobe printed at level error. */
export async function probe(file: string): Promise<z.infer<typeof probeSchema> & { errors: string }> {
  const { stdout, stderr } = await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file]);
  return { ...probeSchema.parse(JSON.parse(stdout)), errors: stderr.trim() };
}

/** Presentation times (s) of every packet of one kind, in reading order. */
export async function packetTimes(file: string, kind: 'v' | 'a'): Promise<number[]> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', kind, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .map((l) => l.trim().replace(/,$/, ''))
    .filter((l) => l !== '' && l !== 'N/A')
    .map(Number);
}

/** Largest step between consecutive times. */
export function largestGap(times: number[]): number {
  let gap = 0;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  return gap;
}

/** One decoded picture (yuv420p) at `t` seconds. */
export async function frameAt(file: string, t: number, width: number, height: number): Promise<Buffer> {
  const { stdout } = await run(
    'ffmpeg',
    ['-v', 'error', '-ss', t.toFixed(3), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}

export interface Yuv {
  y: number;
  u: number;
  v: number;
}

/** Average colour of the upper-middle of a pane (away from the moving box and the side bars). */
export function paneColour(frame: Buffer, width: number, height: number, rect: Rect): Yuv {
  const x0 = rect.x + Math.floor(rect.w * 0.4);
  const x1 = rect.x + Math.floor(rect.w * 0.6);
  const y0 = rect.y + Math.floor(rect.h * 0.15);
  const y1 = rect.y + Math.floor(rect.h * 0.3);
  let ys = 0, us = 0, vs = 0, n = 0, cn = 0;
  const uBase = width * height;
  const vBase = uBase + (width * height) / 4;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      ys += frame[y * width + x]!;
      n++;
      if (y % 2 === 0 && x % 2 === 0) {
        const c = (y / 2) * (width / 2) + x / 2;
        us += frame[uBase + c]!;
        vs += frame[vBase + c]!;
        cn++;
      }
    }
  }
  return { y: ys / n, u: us / cn, v: vs / cn };
}

/** BT.601 limited-range YUV of an 0xRRGGBB colour (what x264's yuv420p output holds). */
export function yuvOf(hex: string): Yuv {
  const n = parseInt(hex.replace(/^0x/, ''), 16);
  const r = (n >> 16) & 255, g = (n >> 8) & 255, b = n & 255;
  return {
    y: 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
    u: 128 + (-37.797 * r - 74.203 * g + 112 * b) / 255,
    v: 128 + (112 * r - 93.786 * g - 18.214 * b) / 255,
  };
}

/** The name of the nearest candidate colour. */
export function nearest(colour: Yuv, candidates: Record<string, Yuv>): string {
  let best = '';
  let bestDistance = Infinity;
  for (const [name, c] of Object.entries(candidates)) {
    const d = (colour.y - c.y) ** 2 + (colour.u - c.u) ** 2 + (colour.v - c.v) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = name;
    }
  }
  return best;
}

/** Mean volume (dBFS) of the sound between two times. */
export async function meanVolume(file: string, from: number, to: number): Promise<number> {
  const { stderr } = await run('ffmpeg', ['-v', 'info', '-ss', String(from), '-t', String(to - from), '-i', file, '-vn', '-af', 'volumedetect', '-f', 'null', '-']);
  const match = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  if (!match) throw new Error('volumedetect printed no mean volume');
  return match[1] === '-inf' ? -Infinity : Number(match[1]);
}

export async function sha256(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Mean x of the white box in the middle band of a pane, or null when no white pixel is there. */
export function boxX(frame: Buffer, width: number, rect: Rect): number | null {
  let sum = 0;
  let n = 0;
  for (let y = rect.y + Math.floor(rect.h * 0.4); y < rect.y + Math.ceil(rect.h * 0.6); y++) {
    for (let x = rect.x; x < rect.x + rect.w; x++) {
      if (frame[y * width + x]! > 200) {
        sum += x;
        n++;
      }
    }
  }
  return n > 0 ? sum / n : null;
}
