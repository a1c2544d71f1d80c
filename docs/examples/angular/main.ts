// Angular (standalone, zoneless): CUSTOM_ELEMENTS_SCHEMA lets templates use the Timpora tags; `[record]`
// sets the property and `(timpora-record-saved)` listens to the element's event. Decorators are applied as
// plain calls here so the example builds with any bundler; in an Angular CLI app write `@Component({...})`.
import '@angular/compiler';
import { Component, CUSTOM_ELEMENTS_SCHEMA, provideZonelessChangeDetection, signal } from '@angular/core';
import { bootstrapApplication } from '@angular/platform-browser';
import 'timpora-kit/define';
import type { RecordSavedEvent } from 'timpora-kit';
import { sampleRecord, surnameOf } from '../shared/sample-record.ts';

class AppComponent {
  readonly record = sampleRecord();
  readonly saved = signal('');
  readonly formValue = signal('');

  onSaved(event: Event): void {
    this.saved.set((event as RecordSavedEvent).detail.record.identity.surname);
  }

  onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.formValue.set(surnameOf(new FormData(event.currentTarget as HTMLFormElement).get('record')));
  }
}

const App = Component({
  selector: 'app-root',
  standalone: true,
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  template: `
    <timpora-provider db-name="example-angular" agency="imi-jakut">
      <h1>Timpora Kit: Angular</h1>
      <form id="host-form" (submit)="onSubmit($event)">
        <timpora-foreigner-form name="record" [record]="record" (timpora-record-saved)="onSaved($event)"></timpora-foreigner-form>
        <button type="submit">Kirim ke portal</button>
      </form>
      <output id="saved">{{ saved() ? 'saved:' + saved() : '' }}</output>
      <output id="form-value">{{ formValue() ? 'form:' + formValue() : '' }}</output>
    </timpora-provider>
  `,
})(AppComponent);

bootstrapApplication(App, { providers: [provideZonelessChangeDetection()] }).catch((error: unknown) => {
  console.error(error);
});
