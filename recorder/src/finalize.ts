import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../sfu/src/index.ts';
import type { RecorderConfig } from './config.ts';
import { exportMp4 } from './exportMp4.ts';
import { HlsPlaylist, type PlaylistEntry } from './HlsPlaylist.ts';
import type { RecordingInfo, RecordingStore } from './RecordingStore.ts';

/**
 * Finishes a recording that was interrupted (its server stopped) and will not be resumed:
 * ends its playlist, removes unlisted segments, exports the MP4 and marks it finished.
 */
export async function finalizeInterrupted(options: {
  info: RecordingInfo;
  config: RecorderConfig;
  store: RecordingStore;
  logger: Logger;
}): Promise<RecordingInfo> {
  const { info, config, logger } = options;
  const playlist = await HlsPlaylist.open({ dir: info.dir, targetDuration: config.segmentSeconds, liveStartOffset: 0 });
  await playlist.end();
  await removeUnlisted(info.dir, playlist.entries);
  const now = new Date().toISOString();
  const done: RecordingInfo = {
    ...info,
    status: 'finished',
    endedAt: now,
    updatedAt: now,
    segments: playlist.entries.length,
    durationS: Math.round(playlist.duration * 1000) / 1000,
  };
  if (playlist.entries.length > 0) {
    try {
      done.mp4 = await exportMp4({ ffmpegPath: config.ffmpegPath, dir: info.dir, entries: playlist.entries, logger });
    } catch (error) {
      logger.error({ err: error, recordingId: info.id }, 'MP4 export failed; the HLS recording is complete');
      done.error = `MP4 export failed: ${(error as Error).message}`;
    }
  }
  await options.store.put(done);
  logger.info({ recordingId: info.id, durationS: done.durationS }, 'interrupted recording finalised');
  return done;
}

/** Removes segments no playlist lists (cut short by a dying encoder) and decoder SDP files. */
export async function removeUnlisted(dir: string, entries: readonly PlaylistEntry[]): Promise<void> {
  const listed = new Set(entries.map((e) => e.file));
  for (const name of await readdir(dir)) {
    if ((name.endsWith('.ts') && !listed.has(name)) || name.endsWith('.sdp')) await rm(path.join(dir, name), { force: true });
  }
}
