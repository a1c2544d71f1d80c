// Browser side of bench/calendar: the same operations rendered by <timpora-operation-calendar> and by
// FullCalendar (daygrid month, list year). Exposes window.calendarBench; run.ts drives it.
import '../../components/operation-calendar/define.ts';
import type { TimporaOperationCalendar } from '../../components/operation-calendar/operation-calendar.ts';
import { Calendar, type EventInput } from '@fullcalendar/core';
import dayGridPlugin from '@fullcalendar/daygrid';
import timeGridPlugin from '@fullcalendar/timegrid';
import listPlugin from '@fullcalendar/list';
import type { Operation } from '../../sdk/model/types.ts';
import { toInstant } from '../../sdk/calendar/zones.ts';

const ZONES = ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'];
const KINDS = ['joint_operation', 'coordination_meeting', 'inspection', 'outreach'] as const;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pad = (n: number): string => String(n).padStart(2, '0');

/** `n` operations spread over the days from `from` (YYYY-MM-DD) for `days` days; mixed WIB/WITA/WIT. */
function makeOps(n: number, from: string, days: number, seed: number, prefix: string): Operation[] {
  const r = rng(seed);
  const base = Date.UTC(Number(from.slice(0, 4)), Number(from.slice(5, 7)) - 1, Number(from.slice(8, 10)));
  const out: Operation[] = [];
  for (let i = 0; i < n; i++) {
    const day = new Date(base + Math.floor(r() * days) * 86_400_000);
    const h = 6 + Math.floor(r() * 14);
    const m = Math.floor(r() * 4) * 15;
    const dur = 30 + Math.floor(r() * 8) * 30;
    const startMin = h * 60 + m;
    const endMin = Math.min(startMin + dur, 23 * 60 + 59);
    const date = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
    const member = Math.floor(r() * 400);
    out.push({
      id: `${prefix}-${i}`,
      sourceAgency: 'imi-jakut',
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      version: 1,
      kind: KINDS[i % 4]!,
      title: `Operasi ${i}`,
      leadAgency: `agency-${i % 12}`,
      participatingAgencies: [`agency-${(i + 3) % 12}`],
      team: [{ id: `m-${member}`, name: `Petugas ${member}`, agencyId: `agency-${i % 12}` }],
      location: { name: `Lokasi ${Math.floor(r() * 600)}` },
      start: `${date}T${pad(Math.floor(startMin / 60))}:${pad(startMin % 60)}`,
      end: `${date}T${pad(Math.floor(endMin / 60))}:${pad(endMin % 60)}`,
      timeZone: ZONES[i % 3]!,
      status: 'planned',
      recordIds: [],
    });
  }
  return out;
}

/** The same operations as FullCalendar events (instants; converted before timing, in FullCalendar's favour). */
function toFc(ops: Operation[]): EventInput[] {
  return ops.map((o) => ({
    id: o.id,
    title: o.title,
    start: new Date(toInstant(o.start, o.timeZone)).toISOString(),
    end: new Date(toInstant(o.end, o.timeZone)).toISOString(),
  }));
}

const settle = (el: Element): void => {
  el.getBoundingClientRect();
  void document.body.offsetHeight;
};

function host(): HTMLDivElement {
  const d = document.createElement('div');
  d.style.width = '1100px';
  document.body.appendChild(d);
  return d;
}

const data = {
  month: [] as Operation[],
  monthFc: [] as EventInput[],
  agenda: [] as Operation[],
  agendaFc: [] as EventInput[],
};

const api = {
  prepare(): { month: number; agenda: number } {
    // 2,000 operations in each of February, March and April 2026 (switching always lands on a full month)
    data.month = [
      ...makeOps(2000, '2026-02-01', 28, 1, 'feb'),
      ...makeOps(2000, '2026-03-01', 31, 2, 'mar'),
      ...makeOps(2000, '2026-04-01', 30, 3, 'apr'),
    ];
    data.monthFc = toFc(data.month);
    data.agenda = makeOps(20000, '2026-01-01', 365, 4, 'yr');
    data.agendaFc = toFc(data.agenda);
    return { month: data.month.length, agenda: data.agenda.length };
  },

  async oursMonth(): Promise<{ ms: number; switchMs: number[]; events: number }> {
    const h = host();
    const t0 = performance.now();
    const el = document.createElement('timpora-operation-calendar') as TimporaOperationCalendar;
    el.setAttribute('lang', 'id');
    el.timeZone = 'Asia/Jakarta';
    el.date = '2026-03-15';
    el.operations = data.month;
    h.appendChild(el);
    await el.updateComplete;
    settle(el.shadowRoot!.querySelector('.month')!);
    const ms = performance.now() - t0;
    const events = el.shadowRoot!.querySelectorAll('.event').length;
    const switchMs: number[] = [];
    for (let k = 0; k < 6; k++) {
      const s0 = performance.now();
      el.date = k % 2 === 0 ? '2026-04-15' : '2026-03-15';
      await el.updateComplete;
      settle(el.shadowRoot!.querySelector('.month')!);
      switchMs.push(performance.now() - s0);
    }
    h.remove();
    return { ms, switchMs, events };
  },

  fcMonth(): { ms: number; switchMs: number[]; events: number } {
    const h = host();
    const t0 = performance.now();
    const cal = new Calendar(h, {
      plugins: [dayGridPlugin, timeGridPlugin, listPlugin],
      initialView: 'dayGridMonth',
      initialDate: '2026-03-15',
      timeZone: 'local',
      firstDay: 1,
      dayMaxEvents: 3,
      events: data.monthFc,
    });
    cal.render();
    settle(h);
    const ms = performance.now() - t0;
    const events = h.querySelectorAll('.fc-event').length;
    const switchMs: number[] = [];
    for (let k = 0; k < 6; k++) {
      const s0 = performance.now();
      if (k % 2 === 0) cal.next();
      else cal.prev();
      settle(h);
      switchMs.push(performance.now() - s0);
    }
    cal.destroy();
    h.remove();
    return { ms, switchMs, events };
  },

  async oursAgenda(): Promise<{ ms: number; rows: number; total: number }> {
    const h = host();
    const t0 = performance.now();
    const el = document.createElement('timpora-operation-calendar') as TimporaOperationCalendar;
    el.setAttribute('lang', 'id');
    el.timeZone = 'Asia/Jakarta';
    el.view = 'agenda';
    el.date = '2026-01-01';
    el.agendaDays = 365;
    el.operations = data.agenda;
    h.appendChild(el);
    await el.updateComplete;
    settle(el.shadowRoot!.querySelector('.agenda')!);
    const ms = performance.now() - t0;
    const rows = el.shadowRoot!.querySelectorAll('.arow').length;
    const total = Number(el.shadowRoot!.querySelector('.agenda')!.getAttribute('aria-rowcount'));
    h.remove();
    return { ms, rows, total };
  },

  fcAgenda(): { ms: number; rows: number; total: number } {
    const h = host();
    h.style.height = '560px';
    const t0 = performance.now();
    const cal = new Calendar(h, {
      plugins: [dayGridPlugin, timeGridPlugin, listPlugin],
      initialView: 'listYear',
      initialDate: '2026-01-01',
      timeZone: 'local',
      height: 560,
      events: data.agendaFc,
    });
    cal.render();
    settle(h);
    const ms = performance.now() - t0;
    const rows = h.querySelectorAll('.fc-list-event').length;
    cal.destroy();
    h.remove();
    return { ms, rows, total: rows };
  },
};

(window as unknown as { calendarBench: typeof api; calendarBenchData: typeof data }).calendarBench = api;
(window as unknown as { calendarBenchData: typeof data }).calendarBenchData = data;
