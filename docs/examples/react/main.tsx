// React 19 passes properties to custom elements and maps `on<event-name>` props to DOM listeners,
// so the elements are used directly, with no wrapper.
import { useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import 'timpora-kit/define';
import type { RecordSavedEvent } from 'timpora-kit';
import { sampleRecord, surnameOf } from '../shared/sample-record.ts';

const record = sampleRecord();

function App() {
  const [saved, setSaved] = useState('');
  const [formValue, setFormValue] = useState('');

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setFormValue(surnameOf(new FormData(event.currentTarget).get('record')));
  };

  return (
    <timpora-provider db-name="example-react" agency="imi-jakut">
      <h1>Timpora Kit: React 19</h1>
      <form id="host-form" onSubmit={onSubmit}>
        <timpora-foreigner-form
          name="record"
          record={record}
          ontimpora-record-saved={(event: RecordSavedEvent) => setSaved(event.detail.record.identity.surname)}
        />
        <button type="submit">Kirim ke portal</button>
      </form>
      <output id="saved">{saved && `saved:${saved}`}</output>
      <output id="form-value">{formValue && `form:${formValue}`}</output>
    </timpora-provider>
  );
}

createRoot(document.querySelector('#root')!).render(<App />);
