import type { SfuRoom } from '../../../sfu/src/index.ts';
import type { Participant } from './Participant.ts';

/**
 * Dynacast (as LiveKit calls it): tells each venue how much of its own media anybody receives, so
 * that its browser stops encoding and sending what nobody gets. In a full-network meeting most of
 * the 131 cameras are on nobody's screen and most microphones are muted; without this every venue
 * still uploads three simulcast layers and its audio, which the SFU receives only to drop.
 *
 * - Camera: simulcast layers up to the highest one a pane (or the recorder) receives. The lowest
 *   layer is always sent, so that a broadcast, roll call or polling switch starts at once on it
 *   while the higher layer the pane needs starts up.
 * - Microphone: nothing while the server holds it paused (muted by the chair or by the venue, or
 *   not audible during a roll call); the server-side pause is what enforces muting.
 *
 * A venue is told only when its demand changes.
 */
export function sendProducerDemand(media: SfuRoom, participants: Iterable<Participant>): void {
  if (media.closed) return;
  const demands = media.producerDemands();
  for (const p of participants) {
    for (const [source, producerId] of p.producers) {
      const demand = source === 'camera' ? (demands.get(producerId) ?? 0) : media.producerPaused(p.id, producerId) ? null : 0;
      if (p.demandSent.get(producerId) === demand) continue;
      p.demandSent.set(producerId, demand);
      p.notify('producer.demand', { producerId, spatialLayer: demand });
    }
  }
}

/**
 * Raises, never lowers, what venues were told of their cameras to the layers the media policy has
 * just planned, before it creates the consumers: the publisher starts the layer meanwhile. A venue
 * never told anything still sends every layer. Lowering waits for sendProducerDemand.
 */
export function raiseProducerDemand(participants: Iterable<Participant>, planned: Map<string, number>): void {
  for (const p of participants) {
    const camera = p.producers.get('camera');
    const layer = camera === undefined ? undefined : planned.get(camera);
    if (camera === undefined || layer === undefined || !p.demandSent.has(camera)) continue;
    if (layer <= (p.demandSent.get(camera) ?? 0)) continue;
    p.demandSent.set(camera, layer);
    p.notify('producer.demand', { producerId: camera, spatialLayer: layer });
  }
}
