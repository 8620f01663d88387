import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export const PLAYLIST_NAME = 'index.m3u8';

const entrySchema = z.object({
  file: z.string().regex(/^seg-\d+-\d+\.ts$/),
  duration: z.number().positive().max(60),
  programDateTime: z.iso.datetime(),
  discontinuity: z.boolean(),
});
export type PlaylistEntry = z.infer<typeof entrySchema>;

/**
 * The recording's one media playlist (`index.m3u8`), owned by the recorder rather than ffmpeg:
 * ffmpeg only writes segments, each finished one is appended here, so an ffmpeg that dies or is
 * replaced never touches what is already listed. An EVENT playlist: segments are never removed;
 * every segment carries its wall-clock time (EXT-X-PROGRAM-DATE-TIME), a new encoder epoch
 * starts with EXT-X-DISCONTINUITY, and while live EXT-X-START points players near the live
 * edge. Each write replaces the file atomically (write, then rename).
 */
export class HlsPlaylist {
  readonly path: string;
  readonly #targetDuration: number;
  readonly #liveStartOffset: number;
  readonly #entries: PlaylistEntry[];
  #ended: boolean;
  #writing: Promise<void> = Promise.resolve();

  /** Opens the playlist in `dir`, reading what an earlier run wrote there, if anything. */
  static async open(options: { dir: string; targetDuration: number; liveStartOffset: number }): Promise<HlsPlaylist> {
    const file = path.join(options.dir, PLAYLIST_NAME);
    let text: string | null = null;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const parsed = text === null ? { entries: [], ended: false } : parsePlaylist(text);
    return new HlsPlaylist(file, options, parsed.entries, parsed.ended);
  }

  private constructor(
    file: string,
    options: { targetDuration: number; liveStartOffset: number },
    entries: PlaylistEntry[],
    ended: boolean,
  ) {
    this.path = file;
    this.#targetDuration = options.targetDuration;
    this.#liveStartOffset = options.liveStartOffset;
    this.#entries = entries;
    this.#ended = ended;
  }

  get entries(): readonly PlaylistEntry[] {
    return this.#entries;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Media duration in seconds (sum of the segments). */
  get duration(): number {
    return this.#entries.reduce((sum, e) => sum + e.duration, 0);
  }

  /** The highest encoder epoch found in segment names, or -1. */
  get lastEpoch(): number {
    return this.#entries.reduce((max, e) => Math.max(max, Number(e.file.split('-')[1])), -1);
  }

  async append(entry: PlaylistEntry): Promise<void> {
    if (this.#ended) throw new Error('the playlist has ended');
    this.#entries.push(entrySchema.parse(entry));
    await this.#write();
  }

  /** Adds EXT-X-ENDLIST (and drops the live start hint). Idempotent. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#write();
  }

  render(): string {
    const target = Math.max(this.#targetDuration, ...this.#entries.map((e) => Math.round(e.duration)));
    const lines = [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      `#EXT-X-TARGETDURATION:${target}`,
      '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:EVENT',
      '#EXT-X-INDEPENDENT-SEGMENTS',
    ];
    if (!this.#ended) lines.push(`#EXT-X-START:TIME-OFFSET=-${this.#liveStartOffset.toFixed(1)}`);
    this.#entries.forEach((e, i) => {
      if (e.discontinuity && i > 0) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${e.programDateTime}`);
      lines.push(`#EXTINF:${e.duration.toFixed(6)},`);
      lines.push(e.file);
    });
    if (this.#ended) lines.push('#EXT-X-ENDLIST');
    return lines.join('\n') + '\n';
  }

  /** Writes are chained so that renames land in order (each runs whatever became of the last). */
  #write(): Promise<void> {
    const text = this.render();
    const tmp = `${this.path}.tmp`;
    const write = async () => {
      await writeFile(tmp, text);
      await rename(tmp, this.path);
    };
    this.#writing = this.#writing.then(write, write);
    return this.#writing;
  }
}

/** Reads back a playlist this class wrote (a file on our own disk, still checked entry by entry). */
export function parsePlaylist(text: string): { entries: PlaylistEntry[]; ended: boolean } {
  const entries: PlaylistEntry[] = [];
  let ended = false;
  let discontinuity = false;
  let programDateTime: string | null = null;
  let duration: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    else if (line === '#EXT-X-ENDLIST') ended = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) programDateTime = line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length);
    else if (line.startsWith('#EXTINF:')) duration = Number(line.slice('#EXTINF:'.length).split(',')[0]);
    else if (line && !line.startsWith('#')) {
      const entry = entrySchema.safeParse({ file: line, duration, programDateTime, discontinuity: discontinuity || entries.length === 0 });
      if (!entry.success) throw new Error(`the recording playlist is corrupt near "${line}": ${entry.error.message}`);
      entries.push(entry.data);
      discontinuity = false;
      programDateTime = null;
      duration = null;
    }
  }
  return { entries, ended };
}
