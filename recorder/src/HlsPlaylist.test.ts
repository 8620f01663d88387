import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HlsPlaylist, parsePlaylist } from './HlsPlaylist.ts';

describe('HlsPlaylist', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'yilian-playlist-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const entry = (file: string, discontinuity = false, at = '2026-11-22T10:00:00.000Z') => ({
    file,
    duration: 1,
    programDateTime: at,
    discontinuity,
  });

  it('is a live EVENT playlist that points players near the live edge until it ends', async () => {
    const playlist = await HlsPlaylist.open({ dir, targetDuration: 1, liveStartOffset: 2 });
    await playlist.append(entry('seg-0-00000.ts'));
    await playlist.append(entry('seg-0-00001.ts'));
    const live = await readFile(playlist.path, 'utf8');
    expect(live).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(live).toContain('#EXT-X-TARGETDURATION:1');
    expect(live).toContain('#EXT-X-START:TIME-OFFSET=-2.0');
    expect(live).toContain('#EXT-X-PROGRAM-DATE-TIME:2026-11-22T10:00:00.000Z\n#EXTINF:1.000000,\nseg-0-00000.ts');
    expect(live).not.toContain('#EXT-X-ENDLIST');
    await playlist.end();
    const ended = await readFile(playlist.path, 'utf8');
    expect(ended).not.toContain('#EXT-X-START');
    expect(ended.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    await expect(playlist.append(entry('seg-0-00002.ts'))).rejects.toThrow('ended');
  });

  it('reopens what an earlier run wrote and marks where a new encoder epoch starts', async () => {
    const first = await HlsPlaylist.open({ dir, targetDuration: 1, liveStartOffset: 2 });
    await first.append(entry('seg-0-00000.ts'));
    await first.append(entry('seg-0-00001.ts'));
    const second = await HlsPlaylist.open({ dir, targetDuration: 1, liveStartOffset: 2 });
    expect(second.entries.map((e) => e.file)).toEqual(['seg-0-00000.ts', 'seg-0-00001.ts']);
    expect(second.lastEpoch).toBe(0);
    await second.append(entry('seg-1-00000.ts', true, '2026-11-22T10:05:00.000Z'));
    const text = await readFile(second.path, 'utf8');
    expect(text.match(/#EXT-X-DISCONTINUITY\n#EXT-X-PROGRAM-DATE-TIME:2026-11-22T10:05:00.000Z\n#EXTINF:1.000000,\nseg-1-00000.ts/)).not.toBeNull();
    expect(text.split('#EXT-X-DISCONTINUITY').length - 1).toBe(1);
    expect(parsePlaylist(text).entries.map((e) => e.discontinuity)).toEqual([true, false, true]);
    expect(second.duration).toBe(3);
  });

  it('refuses a playlist on disk that does not parse, rather than overwrite it', async () => {
    await writeFile(path.join(dir, 'index.m3u8'), '#EXTM3U\n#EXTINF:abc,\n../../etc/passwd\n');
    await expect(HlsPlaylist.open({ dir, targetDuration: 1, liveStartOffset: 2 })).rejects.toThrow('corrupt');
  });

  it('raises the target duration when a segment runs long, so the playlist stays valid', async () => {
    const playlist = await HlsPlaylist.open({ dir, targetDuration: 1, liveStartOffset: 2 });
    await playlist.append({ ...entry('seg-0-00000.ts'), duration: 2.4 });
    expect(playlist.render()).toContain('#EXT-X-TARGETDURATION:2');
  });
});
