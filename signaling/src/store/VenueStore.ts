import type { Redis } from 'ioredis';
import { venueSchema, type Venue } from '../protocol/index.ts';
import { keys } from './keys.ts';
import { parseStored } from './json.ts';
import { assertExec } from './UserStore.ts';

export class VenueStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(id: string): Promise<Venue | null> {
    return parseStored(venueSchema, await this.#redis.get(keys.venue(id)), 'venue');
  }

  async list(): Promise<Venue[]> {
    const ids = await this.#redis.smembers(keys.venues);
    if (ids.length === 0) return [];
    const raws = await this.#redis.mget(ids.map((id) => keys.venue(id)));
    const venues = raws.map((raw) => parseStored(venueSchema, raw, 'venue')).filter((v): v is Venue => v !== null);
    const kindOrder = { county_hall: 0, dispatch_centre: 1, township: 2, department: 3 } as const;
    return venues.sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.order - b.order);
  }

  async putMany(venues: Venue[]): Promise<void> {
    const multi = this.#redis.multi();
    for (const venue of venues) {
      multi.set(keys.venue(venue.id), JSON.stringify(venueSchema.parse(venue)));
      multi.sadd(keys.venues, venue.id);
    }
    assertExec(await multi.exec());
  }
}
