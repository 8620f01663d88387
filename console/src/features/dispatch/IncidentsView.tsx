import { useState } from 'react';
import { IncidentDetail } from './IncidentDetail.tsx';
import { IncidentForm } from './IncidentForm.tsx';
import { IncidentList } from './IncidentList.tsx';

/** The incident list with its create form, or one incident's detail. */
export function IncidentsView({ manages }: { manages: boolean }) {
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  if (selected) return <IncidentDetail id={selected} manages={manages} onBack={() => setSelected(null)} />;
  return (
    <>
      {creating && (
        <IncidentForm
          onCancel={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            setSelected(id);
          }}
        />
      )}
      <IncidentList manages={manages} onNew={manages && !creating ? () => setCreating(true) : undefined} onSelect={setSelected} />
    </>
  );
}
