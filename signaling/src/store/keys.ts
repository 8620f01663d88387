/** Every Redis key the signalling service uses, in one place. */
export const keys = {
  user: (username: string) => `yl:user:${username}`,
  users: 'yl:users',
  venue: (id: string) => `yl:venue:${id}`,
  venues: 'yl:venues',
  session: (token: string) => `yl:session:${token}`,
  meeting: (id: string) => `yl:meeting:${id}`,
  meetings: 'yl:meetings',
  meetingControl: (id: string) => `yl:meeting:${id}:control`,
  group: (id: string) => `yl:group:${id}`,
  groups: 'yl:groups',
  seedVersion: 'yl:seed:version',
  audit: 'yl:audit',
  auditHead: 'yl:audit:head',
} as const;
