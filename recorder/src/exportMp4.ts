import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../sfu/src/index.ts';
import { FfmpegProcess } from './FfmpegProcess.ts';
import type { PlaylistEntry } from './HlsPlaylist.ts';

export const MP4_NAME = 'recording.mp4';

/**
 * Remuxes the listed segments (no re-encoding) into one MP4 for download. The concat demuxer
 * lays the segments end to end by their listed durations, so encoder epochs (whose timestamps
 * restart) join into one timeline. Written under a temporary name, then renamed.
 */
export async function exportMp4(options: {
  ffmpegPath: string;
  dir: string;
  entries: readonly PlaylistEntry[];
  logger: Logger;
}): Promise<string> {
  const { dir } = options;
  const listPath = path.join(dir, 'concat.txt');
  const tmp = path.join(dir, `${MP4_NAME}.tmp`);
  const lines = ['ffconcat version 1.0'];
  for (const e of options.entries) lines.push(`file '${e.file}'`, `duration ${e.duration.toFixed(6)}`);
  await writeFile(listPath, lines.join('\n') + '\n');
  try {
    const ffmpeg = await FfmpegProcess.create({
      ffmpegPath: options.ffmpegPath,
      args: [
        '-loglevel', 'error', '-y',
        '-f', 'concat', '-safe', '0', '-i', listPath,
        '-map', '0', '-c', 'copy', '-bsf:a', 'aac_adtstoasc', '-movflags', '+faststart', '-f', 'mp4', tmp,
      ],
      logger: options.logger.child({ task: 'mp4' }),
    });
    const { code } = await ffmpeg.finish(10 * 60_000);
    if (code !== 0) throw new Error(`ffmpeg could not write the MP4 (exit ${code}): ${ffmpeg.stderrTail.slice(-3).join(' | ')}`);
    await rename(tmp, path.join(dir, MP4_NAME));
    return MP4_NAME;
  } finally {
    await rm(listPath, { force: true });
    await rm(tmp, { force: true });
  }
}
