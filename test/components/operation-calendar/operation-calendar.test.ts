import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../components/operation-calendar/define.ts';
import type { TimporaOperationCalendar } from '../../../components/operation-calendar/operation-calendar.ts';
import type { Operation } from '../../../sdk/model/types.ts';
import { exportIcs } from '../../../sdk/calendar/ics.ts';
import { createTimporaClient } from '../../../sdk/client.ts';

let n = 0;
function op(over: Partial<Operation> = {}): Operation {
  n += 1;
  return {
    id: `op-${n}`,
    sourceAgency: 'imi-jakut',
    createdAt: '2026-01-05T03:00:00.000Z',
    updatedAt: '2026-01-05T03:00:00.000Z',
    version: 1,
    kind: 'joint_operation',
    title: `Operasi ${n}`,
    leadAgency: 'imi-jakut',
    participatingAgencies: ['polres-jakut'],
    team: [{ id: `m-${n}`, name: `Petugas ${n}`, agencyId: 'imi-jakut' }],
    location: { name: `Tempat ${n}` },
    start: '2026-03-10T09:00',
    end: '2026-03-10T11:00',
    timeZone: 'Asia/Jakarta',
    status: 'planned',
    recordIds: [],
    ...over,
  };
}

async function mount(ops: Operation[], attrs: { view?: string; lang?: string; zone?: string; date?: string } = {}): Promise<TimporaOperationCalendar> {
  const el = await fixture<TimporaOperationCalendar>(html`<timpora-operation-calendar
    lang=${attrs.lang ?? 'id'}
    view=${attrs.view ?? 'month'}
    date=${attrs.date ?? '2026-03-10'}
    time-zone=${attrs.zone ?? 'Asia/Jakarta'}
    agency="imi-jakut"
    .operations=${ops}
  ></timpora-operation-calendar>`);
  await el.updateComplete;
  return el;
}

const $ = <T extends Element = HTMLElement>(el: TimporaOperationCalendar, sel: string): T => el.shadowRoot!.querySelector<T>(sel)!;
const $$ = <T extends Element = HTMLElement>(el: TimporaOperationCalendar, sel: string): T[] => [...el.shadowRoot!.querySelectorAll<T>(sel)];
const key = (target: Element, k: string, init: KeyboardEventInit = {}): void => {
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true, ...init }));
};
const focused = (el: TimporaOperationCalendar): HTMLElement | null => el.shadowRoot!.activeElement as HTMLElement | null;

describe('<timpora-operation-calendar>', () => {
  it('shows an operation in the viewer zone with the source zone first', async () => {
    const el = await mount([op({ title: 'Rapat Makassar', kind: 'coordination_meeting', timeZone: 'Asia/Makassar', start: '2026-03-10T09:00', end: '2026-03-10T10:00' })]);
    const chip = $(el, '.day[data-date="2026-03-10"] .event');
    expect(chip.textContent).to.contain('09.00 WITA (08.00 WIB)');
    expect(chip.getAttribute('aria-label')).to.contain('Rapat Makassar').and.contain('Rapat koordinasi').and.contain('09.00–10.00 WITA (08.00–09.00 WIB)');
    // A viewer in WIT sees the same operation an hour later on the wall clock
    el.timeZone = 'Asia/Jayapura';
    await el.updateComplete;
    expect($(el, '.day[data-date="2026-03-10"] .event').textContent).to.contain('09.00 WITA (10.00 WIT)');
  });

  it('places an operation on the viewer day it falls on (09:00 WIT on the 10th is the 9th in New York)', async () => {
    const el = await mount([op({ timeZone: 'Asia/Jayapura', start: '2026-03-10T09:00', end: '2026-03-10T10:00' })], { zone: 'America/New_York' });
    expect($$(el, '.day[data-date="2026-03-09"] .event')).to.have.length(1);
    expect($$(el, '.day[data-date="2026-03-10"] .event')).to.have.length(0);
  });

  const axeOps = (): Operation[] => [op(), op({ start: '2026-03-10T10:00', end: '2026-03-10T12:00', team: [{ id: 'm-1', name: 'X', agencyId: 'imi' }] }), op({ recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' } })];
  for (const view of ['month', 'week', 'day', 'agenda'] as const) {
    it(`is accessible (axe) in the ${view} view, conflicts and recurrence shown`, async function () {
      this.timeout(60000);
      const el = await mount(axeOps(), { view });
      await expect(el).to.be.accessible();
    });
  }

  it('is accessible (axe) with the dialog open', async function () {
    this.timeout(60000);
    const el = await mount(axeOps());
    el.openNew('2026-03-10', 9);
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('moves through the month grid with arrows, Home/End and PageUp/PageDown (roving tabindex)', async () => {
    const el = await mount([op()]);
    const start = $(el, '[role="gridcell"][tabindex="0"]');
    expect(start.dataset['date']).to.equal('2026-03-10');
    expect($$(el, '[role="gridcell"][tabindex="0"]')).to.have.length(1);
    start.focus();
    key(start, 'ArrowRight');
    await el.updateComplete;
    expect(focused(el)?.dataset['date']).to.equal('2026-03-11');
    key(focused(el)!, 'ArrowDown');
    await el.updateComplete;
    expect(focused(el)?.dataset['date']).to.equal('2026-03-18');
    key(focused(el)!, 'Home');
    await el.updateComplete;
    expect(focused(el)?.dataset['date']).to.equal('2026-03-16'); // Monday
    key(focused(el)!, 'End');
    await el.updateComplete;
    expect(focused(el)?.dataset['date']).to.equal('2026-03-22');
    key(focused(el)!, 'PageDown');
    await el.updateComplete;
    expect(focused(el)?.dataset['date']).to.equal('2026-04-22');
    expect($(el, '#title').textContent).to.contain('April 2026');
    key(focused(el)!, 'ArrowUp');
    await el.updateComplete;
    key(focused(el)!, 'PageUp');
    await el.updateComplete;
    expect(focused(el)?.dataset['date']).to.equal('2026-03-15');
    expect(focused(el)?.getAttribute('tabindex')).to.equal('0');
    key(focused(el)!, 'Enter');
    await el.updateComplete;
    expect(el.view).to.equal('day');
  });

  it('moves through the week grid by hour and day, Enter opens a new operation at that slot', async () => {
    const el = await mount([op()], { view: 'week' });
    const cell = $(el, '[role="gridcell"][tabindex="0"]');
    expect([cell.dataset['date'], cell.dataset['hour']]).to.deep.equal(['2026-03-10', '8']);
    cell.focus();
    key(cell, 'ArrowDown');
    await el.updateComplete;
    key(focused(el)!, 'ArrowLeft');
    await el.updateComplete;
    expect([focused(el)?.dataset['date'], focused(el)?.dataset['hour']]).to.deep.equal(['2026-03-09', '9']);
    key(focused(el)!, 'Enter');
    await el.updateComplete;
    await el.updateComplete;
    expect($<HTMLDialogElement>(el, 'dialog').open).to.equal(true);
    expect($<HTMLInputElement>(el, '#f-start').value).to.equal('2026-03-09T09:00');
  });

  it('switches language at run time (Bahasa Indonesia default, English)', async () => {
    const el = await mount([op()]);
    expect($(el, '.toolbar button').textContent?.trim()).to.equal('Hari ini');
    expect($(el, '#title').textContent).to.contain('Maret 2026');
    el.setAttribute('lang', 'en');
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect($(el, '.toolbar button').textContent?.trim()).to.equal('Today');
    expect($(el, '#title').textContent).to.contain('March 2026');
    expect($(el, '.event').getAttribute('aria-label')).to.contain('Joint operation');
  });

  it('marks conflicts: same person twice, same place twice; not for back-to-back', async () => {
    const shared = { id: 'p-7', name: 'Petugas Tujuh', agencyId: 'imi' };
    const a = op({ team: [shared] });
    const b = op({ team: [shared], timeZone: 'Asia/Makassar', start: '2026-03-10T11:00', end: '2026-03-10T12:00' }); // 10-11 WIB overlaps
    const c = op({ team: [shared], start: '2026-03-10T11:00', end: '2026-03-10T12:00' }); // starts when a ends; overlaps b though
    const d = op({ location: { name: 'Pelabuhan' }, start: '2026-03-12T09:00', end: '2026-03-12T10:00' });
    const e = op({ location: { name: 'pelabuhan' }, start: '2026-03-12T09:30', end: '2026-03-12T10:30' });
    const f = op({ start: '2026-03-13T09:00', end: '2026-03-13T10:00' });
    const el = await mount([a, b, c, d, e, f]);
    const marked = (id: string): boolean => $(el, `.event[data-key="${id}"]`).classList.contains('conflict');
    expect(marked(a.id)).to.equal(true);
    expect(marked(b.id)).to.equal(true);
    expect(marked(d.id)).to.equal(true);
    expect(marked(e.id)).to.equal(true);
    expect(marked(f.id)).to.equal(false);
    expect($(el, `.event[data-key="${a.id}"]`).getAttribute('aria-label')).to.contain('Bentrok jadwal');
  });

  it('shows validation messages from codes, with a summary linking to the fields', async () => {
    const el = await mount([]);
    el.openNew('2026-03-10', 9);
    await el.updateComplete;
    const end = $<HTMLInputElement>(el, '#f-end');
    end.value = '2026-03-10T08:00';
    end.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(await el.submitDialog()).to.equal(false);
    await el.updateComplete;
    const summary = $(el, '#dlg-summary');
    expect(summary.textContent).to.contain('Wajib diisi.').and.contain('Waktu selesai harus setelah waktu mulai.');
    expect(focused(el)).to.equal(summary);
    expect($(el, '#f-title').getAttribute('aria-invalid')).to.equal('true');
    expect($(el, '#f-title').getAttribute('aria-describedby')).to.contain('f-title-error');
    expect($(el, '#f-end-error').textContent).to.contain('Waktu selesai');
    expect(el.operations).to.have.length(0);
  });

  it('creates an operation from the dialog, emits timpora-operation-save and updates `operations`', async () => {
    const el = await mount([]);
    el.openNew('2026-03-10', 9);
    await el.updateComplete;
    const fill = (id: string, v: string): void => {
      const i = $<HTMLInputElement>(el, id);
      i.value = v;
      i.dispatchEvent(new Event('input'));
    };
    fill('#f-title', 'Operasi Pasar Baru');
    fill('#f-location', 'Pasar Baru');
    fill('#f-region', '31.71.01');
    await el.updateComplete;
    setTimeout(() => void el.submitDialog());
    const ev = await oneEvent(el, 'timpora-operation-save');
    expect(ev.detail.reason).to.equal('dialog');
    expect(ev.detail.operation).to.include({ title: 'Operasi Pasar Baru', start: '2026-03-10T09:00', end: '2026-03-10T11:00', timeZone: 'Asia/Jakarta', leadAgency: 'imi-jakut', version: 1 });
    expect(ev.detail.operation.location.region).to.deep.equal({ province: '31', regency: '31.71', district: '31.71.01' });
    await el.updateComplete;
    expect(el.operations.map((o) => o.title)).to.deep.equal(['Operasi Pasar Baru']);
    expect($<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
  });

  it('warns about conflicts before saving, then saves on the second press', async () => {
    const shared = { id: 'p-1', name: 'Petugas Satu', agencyId: 'imi' };
    const existing = op({ team: [shared], title: 'Razia Malam' });
    const el = await mount([existing]);
    el.openNew('2026-03-10', 10);
    await el.updateComplete;
    const i = $<HTMLInputElement>(el, '#f-title');
    i.value = 'Sidak';
    i.dispatchEvent(new Event('input'));
    const loc = $<HTMLInputElement>(el, '#f-location');
    loc.value = 'Hotel';
    loc.dispatchEvent(new Event('input'));
    await el.updateComplete;
    $(el, '#f-team-add').click();
    await el.updateComplete;
    const name = $<HTMLInputElement>(el, '#f-team-0-name');
    name.value = 'Petugas Satu';
    name.dispatchEvent(new Event('input'));
    await el.updateComplete;
    // same person id is what conflicts; give the new member the existing id through the form state
    (el as unknown as { _dialog: { form: { team: { id: string }[] } } })._dialog.form.team[0]!.id = 'p-1';
    let saves = 0;
    el.addEventListener('timpora-operation-save', () => saves++);
    expect(await el.submitDialog()).to.equal(false);
    await el.updateComplete;
    expect($(el, '#dlg-warnings').textContent).to.contain('Petugas Satu sudah dijadwalkan pada “Razia Malam”');
    expect($(el, 'button[type="submit"]').textContent?.trim()).to.equal('Tetap simpan');
    expect(saves).to.equal(0);
    expect(await el.submitDialog()).to.equal(true);
    expect(saves).to.equal(1);
    expect(el.operations).to.have.length(2);
  });

  it('moves an operation with Alt+Arrow keys and resizes with Alt+Shift (keyboard alternative to drag)', async () => {
    const a = op({ timeZone: 'Asia/Makassar', start: '2026-03-10T09:00', end: '2026-03-10T10:00' });
    const el = await mount([a]);
    const chip = $(el, `.event[data-key="${a.id}"]`);
    chip.focus();
    key(chip, 'ArrowRight', { altKey: true });
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(el.operations[0]).to.include({ start: '2026-03-11T09:00', end: '2026-03-11T10:00', version: 2 });
    expect($(el, `.day[data-date="2026-03-11"] .event[data-key="${a.id}"]`)).to.exist;
    expect(focused(el)?.dataset['key']).to.equal(a.id);
    el.view = 'day';
    el.date = '2026-03-11';
    await el.updateComplete;
    const chip2 = $(el, `.event[data-key="${a.id}"]`);
    key(chip2, 'ArrowDown', { altKey: true, shiftKey: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(el.operations[0]).to.include({ start: '2026-03-11T09:00', end: '2026-03-11T10:15' });
    key($(el, `.event[data-key="${a.id}"]`), 'ArrowUp', { altKey: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(el.operations[0]).to.include({ start: '2026-03-11T08:45', end: '2026-03-11T10:00' });
  });

  it('moves one occurrence of a series as an override, leaving the others', async () => {
    const s = op({ recurrence: { rrule: 'FREQ=DAILY;COUNT=3' } });
    const el = await mount([s]);
    key($(el, `.event[data-key="${s.id}@2026-03-11T09:00"]`), 'ArrowRight', { altKey: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(el.operations[0]!.recurrence).to.deep.equal({ rrule: 'FREQ=DAILY;COUNT=3', overrides: { '2026-03-11T09:00': { start: '2026-03-12T09:00', end: '2026-03-12T11:00' } } });
    expect(el.operations[0]!.start).to.equal('2026-03-10T09:00');
  });

  it('moves by drag with a pointer (month cell to another day)', async () => {
    const a = op();
    const el = await mount([a]);
    const chip = $(el, `.event[data-key="${a.id}"]`);
    const target = $(el, '.day[data-date="2026-03-13"]');
    const from = chip.getBoundingClientRect();
    const to = target.getBoundingClientRect();
    const pe = (type: string, x: number, y: number) => new PointerEvent(type, { pointerId: 1, button: 0, clientX: x, clientY: y, bubbles: true, composed: true });
    chip.dispatchEvent(pe('pointerdown', from.x + 5, from.y + 5));
    chip.dispatchEvent(pe('pointermove', to.x + 20, to.y + 60));
    chip.dispatchEvent(pe('pointerup', to.x + 20, to.y + 60));
    await new Promise((r) => setTimeout(r, 0));
    expect(el.operations[0]).to.include({ start: '2026-03-13T09:00', end: '2026-03-13T11:00' });
  });

  it('exports ICS and imports it back; a malformed file changes nothing', async () => {
    const a = op({ timeZone: 'Asia/Jayapura', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=2' } });
    const el = await mount([a]);
    const text = el.exportIcs();
    expect(text).to.contain('BEGIN:VTIMEZONE').and.contain('TZID:Asia/Jayapura');
    const errors: string[] = [];
    el.addEventListener('timpora-operation-import-error', (e) => errors.push(e.detail.code));
    const broken = text.replace('END:VEVENT', 'END:VEVENTX');
    expect(await el.importIcs(broken)).to.deep.equal([]);
    expect(errors).to.deep.equal(['ics_parse_error']);
    expect(el.operations).to.deep.equal([a]);
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 0));
    expect($(el, '#live').textContent).to.contain('Berkas tidak diimpor');
    const other = op({ title: 'Impor' });
    const imported = await el.importIcs(exportIcs([other]));
    expect(imported).to.deep.equal([other]);
    expect(el.operations.map((o) => o.id)).to.deep.equal([a.id, other.id]);
  });

  it('filters by agency and kind', async () => {
    const a = op({ leadAgency: 'polda-bali', participatingAgencies: [] , kind: 'inspection' });
    const b = op({ leadAgency: 'imi-jakut', participatingAgencies: ['disnaker'], kind: 'outreach' });
    const el = await mount([a, b]);
    el.filterAgency = 'disnaker';
    await el.updateComplete;
    expect($$(el, '.event').map((e) => e.dataset['key'])).to.deep.equal([b.id]);
    el.filterAgency = '';
    el.filterKind = 'inspection';
    await el.updateComplete;
    expect($$(el, '.event').map((e) => e.dataset['key'])).to.deep.equal([a.id]);
  });

  it('virtualises the agenda (20,000 operations) and navigates it by keyboard', async () => {
    const many: Operation[] = [];
    for (let i = 0; i < 20000; i++) {
      const day = 1 + (i % 28);
      const h = 6 + (i % 12);
      many.push(op({ id: `a-${i}`, start: `2026-03-${String(day).padStart(2, '0')}T${String(h).padStart(2, '0')}:00`, end: `2026-03-${String(day).padStart(2, '0')}T${String(h + 1).padStart(2, '0')}:00`, team: [], location: { name: `L${i}` } }));
    }
    const el = await mount(many, { view: 'agenda', date: '2026-03-01' });
    const grid = $(el, '.agenda');
    expect(Number(grid.getAttribute('aria-rowcount'))).to.equal(20000 + 28);
    expect($$(el, '.arow').length).to.be.below(60);
    const first = $(el, '.agenda [data-index="0"]');
    first.focus();
    key(first, 'ArrowDown');
    await el.updateComplete;
    expect(focused(el)?.dataset['index']).to.equal('1');
    key(focused(el)!, 'End');
    await el.updateComplete;
    await el.updateComplete;
    expect(focused(el)?.dataset['index']).to.equal(String(20000 + 28 - 1));
    expect($$(el, '.arow').length).to.be.below(60);
    key(focused(el)!, 'PageUp');
    await el.updateComplete;
    await el.updateComplete;
    expect(Number(focused(el)?.dataset['index'])).to.be.below(20000 + 27);
  });

  it('reads and writes through a Timpora client when one is provided', async () => {
    const client = createTimporaClient({ dbName: `cal-test-${Date.now()}`, agencyId: 'imi-jakut' });
    try {
      await client.operations.put({ ...op({ title: 'Dari klien' }), version: 0 });
      const el = await fixture<TimporaOperationCalendar>(html`<timpora-operation-calendar lang="id" date="2026-03-10" time-zone="Asia/Jakarta" .client=${client}></timpora-operation-calendar>`);
      await el.reload();
      await el.updateComplete;
      const chip = $(el, '.event');
      expect(chip.textContent).to.contain('Dari klien');
      key(chip, 'ArrowRight', { altKey: true });
      await new Promise((r) => setTimeout(r, 200));
      const page = await client.operations.query({});
      expect(page.items[0]).to.include({ start: '2026-03-11T09:00', version: 2 });
    } finally {
      await client.close();
    }
  });

  it('prints every operation of a day (beforeprint) and goes back to "+n more" after printing', async () => {
    const ops = Array.from({ length: 5 }, (_, i) => op({ start: `2026-03-10T0${i + 1}:00`, end: `2026-03-10T0${i + 1}:30`, team: [], location: { name: `P${i}` } }));
    const el = await mount(ops);
    const cell = (): HTMLElement => $(el, '.day[data-date="2026-03-10"]');
    expect(cell().querySelectorAll('.event')).to.have.length(3);
    expect(cell().querySelector('.more')?.textContent).to.contain('+2 lainnya');
    window.dispatchEvent(new Event('beforeprint'));
    await el.updateComplete;
    expect(cell().querySelectorAll('.event')).to.have.length(5);
    expect(cell().querySelector('.more')).to.equal(null);
    window.dispatchEvent(new Event('afterprint'));
    await el.updateComplete;
    expect(cell().querySelectorAll('.event')).to.have.length(3);
  });

  it('edits one occurrence of a series from the dialog (override), and moves it with the dialog buttons', async () => {
    const s = op({ title: 'Patroli', recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' } });
    const el = await mount([s]);
    $(el, `.event[data-key="${s.id}@2026-03-17T09:00"]`).click();
    await el.updateComplete;
    await el.updateComplete;
    expect($<HTMLDialogElement>(el, 'dialog').open).to.equal(true);
    expect($<HTMLInputElement>(el, 'input[name="scope"][value="occurrence"]').checked).to.equal(true);
    const title = $<HTMLInputElement>(el, '#f-title');
    title.value = 'Patroli khusus';
    title.dispatchEvent(new Event('input'));
    await el.updateComplete;
    const later = $$<HTMLButtonElement>(el, 'fieldset button').find((b) => b.textContent?.includes('1 hari lebih lambat'))!;
    later.click();
    await el.updateComplete;
    const longer = $$<HTMLButtonElement>(el, 'fieldset button').find((b) => b.textContent?.includes('Perpanjang 15 menit'))!;
    longer.click();
    await el.updateComplete;
    expect($<HTMLInputElement>(el, '#f-start').value).to.equal('2026-03-18T09:00');
    expect(await el.submitDialog()).to.equal(true);
    expect(el.operations[0]!.title).to.equal('Patroli');
    expect(el.operations[0]!.recurrence!.overrides).to.deep.equal({
      '2026-03-17T09:00': { start: '2026-03-18T09:00', end: '2026-03-18T11:15', title: 'Patroli khusus' },
    });
    await el.updateComplete;
    expect($(el, '.day[data-date="2026-03-18"] .event')?.getAttribute('aria-label')).to.contain('Patroli khusus');
    expect($$(el, '.day[data-date="2026-03-17"] .event')).to.have.length(0);
  });

  it('removes one occurrence of a series (EXDATE) from the dialog', async () => {
    const s = op({ recurrence: { rrule: 'FREQ=DAILY;COUNT=3' } });
    const el = await mount([s]);
    $(el, `.event[data-key="${s.id}@2026-03-11T09:00"]`).click();
    await el.updateComplete;
    const remove = $$<HTMLButtonElement>(el, '.actions button').find((b) => b.textContent?.includes('Hapus kejadian ini'))!;
    remove.click();
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(el.operations[0]!.recurrence).to.deep.equal({ rrule: 'FREQ=DAILY;COUNT=3', exdates: ['2026-03-11T09:00'] });
    expect($$(el, '.day[data-date="2026-03-11"] .event')).to.have.length(0);
    expect($$(el, '.day[data-date="2026-03-12"] .event')).to.have.length(1);
  });

  it('does not save when a timpora-operation-save listener cancels, and never edits when readonly', async () => {
    const a = op();
    const el = await mount([a]);
    el.addEventListener('timpora-operation-save', (e) => e.preventDefault());
    key($(el, `.event[data-key="${a.id}"]`), 'ArrowRight', { altKey: true });
    await new Promise((r) => setTimeout(r, 0));
    expect(el.operations[0]).to.equal(a);
    el.readonly = true;
    await el.updateComplete;
    let selected = 0;
    el.addEventListener('timpora-operation-select', () => selected++);
    $(el, `.event[data-key="${a.id}"]`).click();
    await el.updateComplete;
    expect(selected).to.equal(1);
    expect($<HTMLDialogElement>(el, 'dialog').open).to.equal(false);
    expect($$(el, '.toolbar button.primary')).to.have.length(0);
  });
});
