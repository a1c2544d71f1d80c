// Vue 3: tell the template compiler that `timpora-*` tags are custom elements; bind objects with `.prop`
// and listen to the elements' events with `@event-name`. Templates compiled in the browser need Vue's full
// build: the bundler aliases `vue` to `vue/dist/vue.esm-bundler.js` (see scripts/build-examples.mjs).
import { createApp, ref } from 'vue';
import 'timpora-kit/define';
import type { RecordSavedEvent } from 'timpora-kit';
import { sampleRecord, surnameOf } from '../shared/sample-record.ts';

const app = createApp({
  setup() {
    const saved = ref('');
    const formValue = ref('');
    const record = sampleRecord();
    const onSaved = (event: RecordSavedEvent) => {
      saved.value = event.detail.record.identity.surname;
    };
    const onSubmit = (event: SubmitEvent) => {
      formValue.value = surnameOf(new FormData(event.currentTarget as HTMLFormElement).get('record'));
    };
    return { saved, formValue, record, onSaved, onSubmit };
  },
  template: `
    <timpora-provider db-name="example-vue" agency="imi-jakut">
      <h1>Timpora Kit: Vue 3</h1>
      <form id="host-form" @submit.prevent="onSubmit">
        <timpora-foreigner-form name="record" :record.prop="record" @timpora-record-saved="onSaved"></timpora-foreigner-form>
        <button type="submit">Kirim ke portal</button>
      </form>
      <output id="saved">{{ saved && 'saved:' + saved }}</output>
      <output id="form-value">{{ formValue && 'form:' + formValue }}</output>
    </timpora-provider>
  `,
});
app.config.compilerOptions.isCustomElement = (tag: string) => tag.startsWith('timpora-');
app.mount('#app');
