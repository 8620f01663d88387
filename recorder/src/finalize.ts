import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../../sfu/src/index.ts';
import type { RecorderConfig } from './config.ts';
import { exportMp4 } from './exportMp4.ts';
import { HlsPlaylist, type PlaylistEntry } from './HlsPlaylist.ts';
import type { RecordingInfo, RecordingStore } from './RecordingStore.ts';

/**
 * The files of a recording that has ended: the playlist gets ENDLIST, segments it does not list
 * are removed, the MP4 is exported. Never throws: what could not be done is logged and returned
 * as `error` (the HLS recording stays whatever the MP4 does).
 */
export async function finishFiles(options: {
  playlist: HlsPlaylist;
  dir: string;
  ffmpegPath: string;
  logger: Logger;
}): Promise<{ mp4: string | null; error: string | null }> {
  const { playlist, dir, logger } = options;
  try {
    await playlist.end();
    await removeUnlisted(dir, playlist.entries);
  } catch (error) {
    logger.error({ err: error }, 'cannot end the playlist');
    return { mp4: null, error: `cannot end the playlist: ${(error as Error).message}` };
  }
  if (playlist.entries.length === 0) return { mp4: null, error: null };
  try {
    return { mp4: await exportMp4({ ffmpegPath: options.ffmpegPath, dir, entries: playlist.entries, logger }), error: null };
  } catch (error) {
    logger.error({ err: error }, 'MP4 export failed; the HLS recording is complete');
    return { mp4: null, error: `MP4 export failed: ${(error as Error).message}` };
  }
}

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
  const files = await finishFiles({ playlist, dir: info.dir, ffmpegPath: config.ffmpegPath, logger });
  const now = new Date().toISOString();
  // It ended where its media ends (its server stopped then), not now.
  const last = playlist.entries.at(-1);
  const endedAt = last ? new Date(Date.parse(last.programDateTime) + last.duration * 1000).toISOString() : info.updatedAt;
  const done: RecordingInfo = {
    ...info,
    status: 'finished',
    endedAt,
    updatedAt: now,
    segments: playlist.entries.length,
    durationS: Math.round(playlist.duration * 1000) / 1000,
    mp4: files.mp4,
    error: files.error,
  };
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
