import { z } from 'zod';

export const loginBodySchema = z.object({
  username: z.string().trim().min(1, 'username is required').max(64),
  password: z.string().min(1, 'password is required').max(256),
});

export const createMeetingBodySchema = z.object({
  title: z.string().trim().min(1, 'title is required').max(100),
  invitedVenueIds: z.array(z.string().min(1).max(64)).min(1, 'invite at least one venue').max(500),
  chairVenueId: z.string().min(1).max(64).optional(),
  startsAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateMeetingBody = z.infer<typeof createMeetingBodySchema>;
