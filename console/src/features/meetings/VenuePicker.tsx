import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Venue } from '../../../../signaling/src/protocol/index.ts';

/** A searchable checklist of venues, grouped by kind. */
export function VenuePicker(props: { venues: Venue[]; selected: string[]; onChange: (ids: string[]) => void; testId: string }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const shown = props.venues.filter((v) => !filter || v.name.includes(filter) || v.id.includes(filter));
  const toggle = (id: string) =>
    props.onChange(props.selected.includes(id) ? props.selected.filter((x) => x !== id) : [...props.selected, id]);
  return (
    <div className="venue-picker" data-testid={props.testId}>
      <input placeholder={t('schedule.search')} value={filter} onChange={(e) => setFilter(e.target.value)} />
      <span className="muted">{t('schedule.selected', { count: props.selected.length })}</span>
      <ul>
        {shown.map((v) => (
          <li key={v.id}>
            <label>
              <input type="checkbox" data-testid={`${props.testId}-${v.id}`} checked={props.selected.includes(v.id)} onChange={() => toggle(v.id)} />
              {v.name}
            </label>
          </li>
        ))}
      </ul>
    </div>
  );
}
