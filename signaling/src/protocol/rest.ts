import { z } from 'zod';

export const loginBodySchema = z.object({
  username: z.string().trim().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(256),
});

export const createMeetingBodySchema = z.object({
  title: z.string().trim().min(1, 'title is required').max(100),
  kind: z.enum(['full', 'group', 'adhoc']).default('group'),
  /** For a group meeting: a saved group whose venues are invited (added to invitedVenueIds). */
  groupId: z.string().min(1).max(64).optional(),
  invitedVenueIds: z.array(z.string().min(1).max(64)).max(500).default([]),
  muteOnJoin: z.boolean().optional(),
  autoRecord: z.boolean().default(false),
  chairVenueId: z.string().min(1).max(64).optional(),
  startsAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateMeetingBody = z.input<typeof createMeetingBodySchema>;

export const groupBodySchema = z.object({
  name: z.string().trim().min(1, 'name is required').max(50),
  venueIds: z.array(z.string().min(1).max(64)).min(1, 'a group needs at least one venue').max(500),
});
export type GroupBody = z.infer<typeof groupBodySchema>;
