import { z } from 'zod';

export const roleSchema = z.enum(['admin', 'chair', 'operator', 'dispatcher', 'liaison']);
export type Role = z.infer<typeof roleSchema>;

export const venueKindSchema = z.enum(['county_hall', 'township', 'department', 'dispatch_centre']);
export type VenueKind = z.infer<typeof venueKindSchema>;

export const venueSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: venueKindSchema,
  /** Sort order within its kind. */
  order: z.number().int(),
});
export type Venue = z.infer<typeof venueSchema>;

export const meetingStatusSchema = z.enum(['scheduled', 'open', 'ended']);

/** 全网 (every venue), 分组 (a group or a chosen set), 自助 (started ad hoc by a venue). */
export const meetingKindSchema = z.enum(['full', 'group', 'adhoc']);
export type MeetingKind = z.infer<typeof meetingKindSchema>;

export const meetingSchema = z.object({
  id: z.string(),
  title: z.string(),
  kind: meetingKindSchema.default('group'),
  /** Branch venues join muted by the chair (usual for full-network meetings). */
  muteOnJoin: z.boolean().default(false),
  /** Recording starts by itself when the meeting runs. */
  autoRecord: z.boolean().default(false),
  chairVenueId: z.string(),
  invitedVenueIds: z.array(z.string()),
  status: meetingStatusSchema,
  startsAt: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Meeting = z.infer<typeof meetingSchema>;

export const sessionUserSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  venueId: z.string().nullable(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  venueIds: z.array(z.string()),
  createdBy: z.string(),
});
export type Group = z.infer<typeof groupSchema>;
