import type { Sfu, SfuRoom } from '../../../sfu/src/index.ts';
import type { Participant } from './Participant.ts';

/** Attempts at re-creating a meeting's media, this far apart. */
const ATTEMPTS = 10;
const RETRY_MS = 500;

/**
 * Re-creates a meeting's media after a worker under it died: a new SFU room on a live worker, with
 * every venue present added again as a peer (each venue then reconnects its own media). Returns
 * null if the meeting closed meanwhile; throws once every attempt failed.
 */
export async function recreateMedia(options: {
  sfu: Sfu;
  meetingId: string;
  participants: () => Iterable<Participant>;
  closed: () => boolean;
}): Promise<SfuRoom | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      const media = await options.sfu.getOrCreateRoom(options.meetingId);
      if (options.closed()) {
        media.close();
        return null;
      }
      for (const p of options.participants()) {
        p.mediaReady = false;
        p.producers.clear();
        await media.addPeer(p.id);
      }
      return media;
    } catch (err) {
      if (options.closed() || attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}
