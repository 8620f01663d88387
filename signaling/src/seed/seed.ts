import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { hashPassword } from '../auth/password.ts';
import { keys } from '../store/keys.ts';
import type { MeetingStore } from '../store/MeetingStore.ts';
import type { UserStore } from '../store/UserStore.ts';
import type { VenueStore } from '../store/VenueStore.ts';
import type { GroupStore } from '../store/GroupStore.ts';
import { DEMO_COUNTY, DEMO_PASSWORD, demoAccounts, demoGroups, demoVenues } from './demoCounty.ts';

const SEED_VERSION = '1';

/**
 * Seeds the demo county on first run only (a marker key records it), so a restart keeps the data.
 * Demo accounts share one password hash: the demo password is printed at start anyway.
 */
export async function seedDemoCounty(options: {
  redis: Redis;
  users: UserStore;
  venues: VenueStore;
  meetings: MeetingStore;
  groups: GroupStore;
}): Promise<{ seeded: boolean }> {
  if ((await options.redis.get(keys.seedVersion)) === SEED_VERSION) return { seeded: false };
  const venues = demoVenues();
  await options.venues.putMany(venues);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const account of demoAccounts(venues)) {
    await options.users.put({ id: randomUUID(), ...account, passwordHash });
  }
  const now = new Date().toISOString();
  await options.meetings.put({
    id: randomUUID(),
    title: `${DEMO_COUNTY.name}全县视频会议`,
    kind: 'full',
    muteOnJoin: true,
    autoRecord: false,
    chairVenueId: 'hall',
    invitedVenueIds: venues.map((v) => v.id),
    status: 'open',
    startsAt: now,
    createdBy: 'seed',
    createdAt: now,
  });
  for (const group of demoGroups()) await options.groups.put({ ...group, createdBy: 'seed' });
  await options.redis.set(keys.seedVersion, SEED_VERSION);
  return { seeded: true };
}
