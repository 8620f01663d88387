import type { TFunction } from 'i18next';
import type { TimelineEntry } from '../../../../signaling/src/protocol/dispatch.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);

/** One timeline entry as a sentence in the current language. */
export function timelineText(t: TFunction, entry: TimelineEntry): string {
  const d = entry.data;
  const taskState = (s: unknown) => t(`dispatch.taskState.${str(s)}`);
  const purpose = t(`dispatch.smsPurpose.${str(d.purpose).replace(/\./g, '_')}`);
  switch (entry.kind) {
    case 'incident.reported':
      return t('dispatch.timeline.incident.reported', {
        channel: t(`dispatch.channel.${str(d.channel)}`),
        type: t(`dispatch.type.${str(d.type)}`),
        level: t(`dispatch.level.${str(d.level)}`),
        location: str(d.locationText),
      });
    case 'incident.updated':
      return t('dispatch.timeline.incident.updated', { fields: list(d.fields).map((f) => t(`dispatch.field.${f}`)).join(t('dispatch.sep')) });
    case 'incident.state': {
      const values = { from: t(`dispatch.state.${str(d.from)}`), to: t(`dispatch.state.${str(d.to)}`), reason: str(d.reason) };
      return t(d.reason ? 'dispatch.timeline.incident.stateWithReason' : 'dispatch.timeline.incident.state', values);
    }
    case 'incident.note':
      return t('dispatch.timeline.incident.note', { text: str(d.text) });
    case 'task.assigned':
      return t(d.liaison ? 'dispatch.timeline.task.assigned' : 'dispatch.timeline.task.assignedNobody', {
        code: str(d.code),
        department: str(d.departmentName),
        liaison: str(d.liaison),
      });
    case 'task.state': {
      const values = {
        department: str(d.departmentName),
        code: str(d.code),
        from: taskState(d.from),
        to: taskState(d.to),
        via: d.via ? t(`dispatch.task.via.${str(d.via)}`) : '',
      };
      const line = t(d.via === 'sms' ? 'dispatch.timeline.task.stateVia' : 'dispatch.timeline.task.state', values);
      return d.text ? t('dispatch.withText', { line, text: str(d.text) }) : line;
    }
    case 'task.escalated':
      return t(d.recipient ? 'dispatch.timeline.task.escalated' : 'dispatch.timeline.task.escalatedNobody', {
        department: str(d.departmentName),
        code: str(d.code),
        step: str(d.step),
        role: t(`dispatch.role.${str(d.role)}`),
        recipient: str(d.recipient),
      });
    case 'task.reminded':
      return t('dispatch.timeline.task.reminded', { department: str(d.departmentName), codes: list(d.codes).join(t('dispatch.sep')) });
    case 'sms.queued':
      return t('dispatch.timeline.sms.queued', { purpose, recipients: list(d.recipients).join(t('dispatch.sep')) });
    case 'sms.failed':
      return t('dispatch.timeline.sms.failed', {
        purpose,
        reason: d.reason === 'nobody_on_file' ? t('dispatch.timeline.sms.nobody') : str(d.reason),
      });
    case 'sms.inbound':
      return t('dispatch.timeline.sms.inbound', { from: str(d.from), text: str(d.text) });
    case 'meeting.started':
      return t('dispatch.timeline.meeting.started', { count: list(d.venueIds).length });
    case 'meeting.recording':
      return t('dispatch.timeline.meeting.recording');
    case 'cap.exported':
      return t('dispatch.timeline.cap.exported', { identifier: str(d.identifier) });
  }
}

/** A short local date and time. */
export function formatTime(iso: string | null, language: string): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(language, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
