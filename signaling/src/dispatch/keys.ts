/** Every Redis key of the dispatch domain (prefix yl:dispatch:). */
export const dispatchKeys = {
  incident: (id: string) => `yl:dispatch:incident:${id}`,
  /** ZSET incident id → created at (ms). */
  incidents: 'yl:dispatch:incidents',
  /** LIST of timeline entries (JSON), append-only. */
  timeline: (incidentId: string) => `yl:dispatch:incident:${incidentId}:timeline`,
  /** ZSET task id → notified at (ms). */
  incidentTasks: (incidentId: string) => `yl:dispatch:incident:${incidentId}:tasks`,
  task: (id: string) => `yl:dispatch:task:${id}`,
  /** ZSET task id → notified at (ms): every task, for reports. */
  tasks: 'yl:dispatch:tasks',
  /** SET of tasks not closed, for follow-up. */
  openTasks: 'yl:dispatch:tasks:open',
  /** ZSET task id → notified at (ms), per department. */
  departmentTasks: (departmentId: string) => `yl:dispatch:department:${departmentId}:tasks`,
  /** ZSET task id → next escalation (ms): what the escalation timer works from. */
  due: 'yl:dispatch:due',
  /** ZSET task id → notified at (ms): unacknowledged tasks this number was told about. */
  phonePending: (phone: string) => `yl:dispatch:phone:${phone}:pending`,
  taskCode: (code: string) => `yl:dispatch:taskcode:${code}`,
  incidentSeq: (day: string) => `yl:dispatch:seq:incident:${day}`,
  taskSeq: 'yl:dispatch:seq:task',
  /** HASH department id → standing contacts (JSON). */
  contacts: 'yl:dispatch:contacts',
  /** HASH department id → roster (JSON) for one day. */
  roster: (day: string) => `yl:dispatch:roster:${day}`,
  /** STRING incident id, expiring: the incident an SMS reporter's next message attaches to. */
  smsReporter: (phone: string) => `yl:dispatch:sms-reporter:${phone}`,
  /** STRING incident id of a meeting started from an incident. */
  meeting: (meetingId: string) => `yl:dispatch:meeting:${meetingId}`,
  /** LIST (newest first, capped) of console notices: escalations and follow-ups. */
  notices: 'yl:dispatch:notices',
  /** STRING marker: an inbound SMS (by the SMS layer's id) was handled. */
  inbound: (id: string) => `yl:dispatch:inbound:${id}`,
  capSeq: (stamp: string) => `yl:dispatch:cap-seq:${stamp}`,
  seedVersion: 'yl:dispatch:seed:version',
} as const;
