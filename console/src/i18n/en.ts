import type { Messages } from './zh-CN.ts';

export const en: Messages = {
  app: { name: 'Yilian', subtitle: 'County video conferencing and emergency command' },
  shell: { logout: 'Log out', language: 'Language', role: { admin: 'Administrator', chair: 'Chair', operator: 'Venue operator', dispatcher: 'Dispatcher', liaison: 'Department liaison' } },
  login: {
    title: 'Log in',
    username: 'Username',
    password: 'Password',
    submit: 'Log in',
    submitting: 'Logging in…',
    failed: 'Login failed: {{message}}',
  },
  meetings: {
    title: 'Meetings',
    empty: 'No meetings to join',
    join: 'Join',
    present: '{{count}} venues online',
    invited: '{{count}} venues invited',
    loading: 'Loading meetings…',
    loadFailed: 'Could not load meetings',
    status: { scheduled: 'Scheduled', open: 'In progress', ended: 'Ended' },
  },
  meeting: {
    leave: 'Leave meeting',
    local: 'This venue',
    joining: 'Joining the meeting…',
    reconnecting: 'Connection lost, reconnecting…',
    mediaRestarting: 'Media service is recovering…',
    participants: 'Venues online ({{count}})',
    noVideo: 'No video',
    noOthers: 'Waiting for other venues…',
    cameraFailed: 'Cannot open the camera or microphone: {{message}}',
    replaced: 'This venue joined the meeting from somewhere else',
    ended: 'The meeting has ended',
    error: 'Meeting error: {{message}}',
  },
};
