/**
 * Messages of `<timpora-sync-status>`: Bahasa Indonesia (reference) and English with the same keys.
 * @module
 */
import { defineMessages } from '../shared/localize.ts';

const id = {
  label: 'Status sinkronisasi',
  state_idle: 'Tersinkron',
  state_pending: 'Menunggu dikirim',
  state_syncing: 'Menyinkronkan…',
  state_offline: 'Luring',
  state_error: 'Perlu perhatian',
  state_off: 'Sinkronisasi tidak aktif',
  pending: ({ count }: Record<string, string | number>) => `${count} perubahan belum terkirim`,
  conflicts: ({ count }: Record<string, string | number>) => `${count} konflik perlu diputuskan`,
  failed: ({ count }: Record<string, string | number>) => `${count} perubahan ditolak server`,
  lastSynced: ({ time }: Record<string, string | number>) => `Terakhir sinkron ${time}`,
  neverSynced: 'Belum pernah sinkron',
  offlineHint: 'Perubahan tersimpan di perangkat ini dan dikirim otomatis saat tersambung.',
  syncNow: 'Sinkronkan sekarang',
  showConflicts: 'Tinjau',
  error_unauthorized: 'Sesi berakhir. Silakan masuk kembali agar perubahan dapat dikirim.',
  error_forbidden: 'Server menolak sebagian perubahan karena hak akses.',
  error_validation: 'Server menolak sebagian perubahan karena isian tidak valid.',
  error_server: 'Server sedang bermasalah. Pengiriman akan dicoba lagi otomatis.',
  error_other: 'Sinkronisasi terhenti. Coba lagi nanti.',
};

const en: typeof id = {
  label: 'Sync status',
  state_idle: 'Up to date',
  state_pending: 'Waiting to send',
  state_syncing: 'Syncing…',
  state_offline: 'Offline',
  state_error: 'Needs attention',
  state_off: 'Sync is off',
  pending: ({ count }) => `${count} ${Number(count) === 1 ? 'change' : 'changes'} not yet sent`,
  conflicts: ({ count }) => `${count} ${Number(count) === 1 ? 'conflict' : 'conflicts'} to decide`,
  failed: ({ count }) => `${count} ${Number(count) === 1 ? 'change' : 'changes'} refused by the server`,
  lastSynced: ({ time }) => `Last synced ${time}`,
  neverSynced: 'Not synced yet',
  offlineHint: 'Changes are saved on this device and sent automatically when connected.',
  syncNow: 'Sync now',
  showConflicts: 'Review',
  error_unauthorized: 'Session expired. Please sign in again so changes can be sent.',
  error_forbidden: 'The server refused some changes because of access rights.',
  error_validation: 'The server refused some changes because of invalid fields.',
  error_server: 'The server has a problem. Sending will be retried automatically.',
  error_other: 'Sync stopped. Please try again later.',
};

export const messages = defineMessages(id, en);
export type SyncStatusMessageKey = keyof typeof id;
