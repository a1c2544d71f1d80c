// Plain page: register the tags, hand the element a record, and listen to its events like any DOM event.
import 'timpora-kit/define';
import { sampleRecord, surnameOf } from '../shared/sample-record.ts';

const form = document.querySelector('timpora-foreigner-form')!;
form.record = sampleRecord();

form.addEventListener('timpora-record-saved', (event) => {
  document.querySelector('#saved')!.textContent = `saved:${event.detail.record.identity.surname}`;
});

// The element takes part in the surrounding native form: its value is the record as JSON.
document.querySelector<HTMLFormElement>('#host-form')!.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(event.currentTarget as HTMLFormElement);
  document.querySelector('#form-value')!.textContent = `form:${surnameOf(data.get('record'))}`;
});
