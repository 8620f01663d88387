import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  TEMPLATE_FIELDS,
  TEMPLATE_IDS,
  TEMPLATE_TEXTS,
  smsLength,
  templateSchema,
  type RecipientPick,
  type TemplateId,
} from '../../../../signaling/src/protocol/smsBroadcast.ts';
import { errorMessage } from '../../app/errorMessage.ts';
import { useGetDepartmentsQuery } from '../dispatch/dispatchApi.ts';
import { useGetGroupsQuery } from '../meetings/meetingsApi.ts';
import { useSendBroadcastMutation } from './smsApi.ts';

type Roster = '' | 'leaders' | 'liaisons';

function fillTemplate(id: TemplateId, fields: Record<string, string>): string {
  return TEMPLATE_TEXTS[id].replace(/\{(\w+)\}/g, (whole, name: string) => fields[name]?.trim() || whole);
}

const toggle = (set: ReadonlySet<string>, id: string): Set<string> => {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
};

/** The compose form: template, text with its SMS length, recipient pickers, send. */
export function ComposeBroadcast({ chairOnly, onSent }: { chairOnly: boolean; onSent: (id: string) => void }) {
  const { t } = useTranslation();
  const templates: readonly TemplateId[] = chairOnly ? ['meeting_notice'] : TEMPLATE_IDS;
  const [templateId, setTemplateId] = useState<TemplateId | ''>(chairOnly ? 'meeting_notice' : '');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [text, setText] = useState(chairOnly ? fillTemplate('meeting_notice', {}) : '');
  const [departments, setDepartments] = useState<ReadonlySet<string>>(new Set());
  const [groups, setGroups] = useState<ReadonlySet<string>>(new Set());
  const [roster, setRoster] = useState<Roster>('');
  const [numbers, setNumbers] = useState('');
  const { data: departmentList } = useGetDepartmentsQuery();
  const { data: groupList } = useGetGroupsQuery();
  const [send, { isLoading, error, reset }] = useSendBroadcastMutation();
  const length = smsLength(text);

  const pickTemplate = (id: TemplateId | '') => {
    setTemplateId(id);
    if (id) setText(fillTemplate(id, fields));
  };
  const setField = (name: string, value: string) => {
    const next = { ...fields, [name]: value };
    setFields(next);
    if (templateId) setText(fillTemplate(templateId, next));
  };

  const submit = async () => {
    reset();
    const recipients: RecipientPick = {
      departments: [...departments],
      groups: [...groups],
      ...(roster ? { roster } : {}),
      numbers: numbers.split(/[\s,，;；]+/).filter((n) => n.length > 0),
    };
    const template = templateId ? templateSchema.safeParse({ id: templateId, fields: Object.fromEntries(TEMPLATE_FIELDS[templateId].map((f) => [f, fields[f] ?? ''])) }) : null;
    const result = await send({ text, ...(template?.success ? { template: template.data } : {}), recipients });
    if ('data' in result && result.data) onSent(result.data.broadcast.id);
  };

  return (
    <div className="sms-panel" data-testid="sms-compose">
      <h3>{t('sms.compose.title')}</h3>
      <div className="sms-row">
        <label>
          {t('sms.compose.template')}
          <select data-testid="sms-template" value={templateId} onChange={(e) => pickTemplate(templates.find((id) => id === e.target.value) ?? '')}>
            {!chairOnly && <option value="">{t('sms.compose.noTemplate')}</option>}
            {templates.map((id) => (
              <option key={id} value={id}>
                {t(`sms.templates.${id}`)}
              </option>
            ))}
          </select>
        </label>
        {templateId &&
          TEMPLATE_FIELDS[templateId].map((name) => (
            <label key={name}>
              {t(`sms.fields.${name}`)}
              <input data-testid={`sms-field-${name}`} value={fields[name] ?? ''} onChange={(e) => setField(name, e.target.value)} />
            </label>
          ))}
      </div>
      <label>
        {t('sms.compose.text')}
        <textarea data-testid="sms-text" value={text} readOnly={chairOnly} onChange={(e) => setText(e.target.value)} />
      </label>
      <span className="muted" data-testid="sms-counter">
        {t(`sms.compose.counter.${length.encoding}`, { units: length.units, perPart: length.perPart, parts: length.parts })}
      </span>

      <h3>{t('sms.compose.recipients')}</h3>
      <fieldset>
        <legend>{t('sms.compose.departments')}</legend>
        <div className="sms-picker">
          {departmentList?.map((d) => (
            <label key={d.id} className="sms-check">
              <input type="checkbox" data-testid={`sms-dept-${d.id}`} checked={departments.has(d.id)} onChange={() => setDepartments(toggle(departments, d.id))} />
              {d.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('sms.compose.groups')}</legend>
        <div className="sms-picker">
          {groupList?.map((g) => (
            <label key={g.id} className="sms-check">
              <input type="checkbox" data-testid={`sms-group-${g.id}`} checked={groups.has(g.id)} onChange={() => setGroups(toggle(groups, g.id))} />
              {g.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="sms-row">
        <label>
          {t('sms.compose.roster')}
          <select data-testid="sms-roster" value={roster} onChange={(e) => setRoster(e.target.value === 'leaders' || e.target.value === 'liaisons' ? e.target.value : '')}>
            <option value="">{t('sms.compose.rosterNone')}</option>
            <option value="leaders">{t('sms.compose.rosterLeaders')}</option>
            <option value="liaisons">{t('sms.compose.rosterLiaisons')}</option>
          </select>
        </label>
        <label>
          {t('sms.compose.numbers')}
          <input data-testid="sms-numbers" value={numbers} placeholder={t('sms.compose.numbersHint')} onChange={(e) => setNumbers(e.target.value)} />
        </label>
      </div>
      <div className="sms-row">
        <button type="button" className="primary" data-testid="sms-send" disabled={isLoading} onClick={() => void submit()}>
          {isLoading ? t('sms.compose.sending') : t('sms.compose.send')}
        </button>
        {error && (
          <span className="error" data-testid="sms-error">
            {t('sms.compose.failed', { message: errorMessage(error) })}
          </span>
        )}
      </div>
    </div>
  );
}
