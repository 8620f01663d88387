import type { SfuRoom } from '../../../sfu/src/index.ts';
import type { VenueStatus } from '../protocol/index.ts';
import type { Participant } from './Participant.ts';

/** The chair's status board: each venue's camera/microphone and network quality, from the SFU's own statistics. */
export async function collectVenueStatuses(media: SfuRoom, participants: Participant[]): Promise<VenueStatus[]> {
  const producers = media.producers();
  const venues: VenueStatus[] = [];
  for (const p of participants) {
    const stats = await media.peerStats(p.id).catch(() => null);
    const camera = producers.find((x) => x.peerId === p.id && x.source === 'camera');
    venues.push({
      venueId: p.venue.id,
      camera: Boolean(camera && !camera.paused),
      microphone: Boolean(p.producers.get('microphone')) && !p.selfMuted,
      uplinkLoss: stats?.uplinkLoss ?? 0,
      downlinkLoss: stats?.downlinkLoss ?? 0,
      rttMs: stats?.rttMs ?? null,
      uplinkBitrate: stats?.uplinkBitrate ?? 0,
    });
  }
  return venues;
}
