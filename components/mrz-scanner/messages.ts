/**
 * UI text of `<timpora-mrz-scanner>` in Bahasa Indonesia (default) and English. Both dictionaries
 * have the same keys (checked by {@link defineMessages}); `{name}` placeholders are filled by the
 * LocalizeController.
 * @module
 */
import { defineMessages } from '../shared/localize.ts';
import { MRZ_DOUBT_MESSAGES } from '../shared/mrz-doubts.ts';

const id = {
  'region.label': 'Pemindai MRZ',
  'video.label': 'Pratinjau kamera',
  'status.idle': 'Kamera belum aktif. Tekan "Mulai kamera" atau gunakan cara lain di bawah.',
  'status.starting': 'Membuka kamera…',
  'status.searching': 'Arahkan MRZ ke dalam bingkai',
  'status.holding': 'Tahan sebentar',
  'status.closer': 'Dekatkan dokumen ke kamera: huruf MRZ masih terlalu kecil',
  'status.steady': 'Gambar MRZ kabur: tahan dokumen dan kamera agar diam, atau tambah cahaya',
  'status.misprint': 'MRZ terbaca, tetapi digit pemeriksanya tidak cocok dengan cetakannya. Bandingkan teks di bawah dengan dokumen.',
  'status.offStandard': 'MRZ terbaca dan digit pemeriksanya cocok, tetapi tidak sesuai standar (misalnya kode negara atau kewarganegaraan yang tidak dikenal). Bandingkan teks di bawah dengan dokumen.',
  'status.read': 'Terbaca',
  'status.paused': 'Kamera dijeda karena halaman tidak terlihat.',
  'status.readFrom': 'Terbaca: {format}, dokumen {number}',
  'status.reading': 'Membaca foto…',
  'status.uploadNone': 'MRZ tidak ditemukan pada foto. Coba foto yang lebih tajam, lurus, dan tanpa pantulan cahaya.',
  'status.uploadSmall': 'MRZ terlihat pada foto, tetapi hurufnya terlalu kecil untuk dibaca. Foto lebih dekat agar MRZ tampak lebih besar.',
  'status.uploadBlurred': 'MRZ terlihat pada foto, tetapi kabur. Foto ulang dengan kamera diam dan terfokus, di tempat yang cukup terang.',
  'status.uploadUnread': 'MRZ terlihat pada foto, tetapi tidak terbaca. Coba foto yang lebih dekat, lurus, dan tanpa pantulan cahaya.',
  'status.uploadUnsure':
    'MRZ pada foto terbaca dan digit pemeriksanya cocok, tetapi beberapa karakter terbaca kurang yakin. Bandingkan teks di bawah dengan dokumen, perbaiki bila berbeda, lalu tekan "Baca teks MRZ".',
  'status.textInvalid': 'Teks MRZ tidak valid: periksa jumlah baris, panjang baris, dan digit pemeriksa.',
  'status.keyboardListening': 'Siap menerima pembaca MRZ meja.',
  'button.start': 'Mulai kamera',
  'button.stop': 'Hentikan kamera',
  'button.torchOn': 'Nyalakan lampu',
  'button.torchOff': 'Matikan lampu',
  'button.upload': 'Unggah foto dokumen',
  'button.readText': 'Baca teks MRZ',
  'camera.label': 'Kamera',
  'camera.unnamed': 'Kamera {n}',
  'camera.live': 'Kamera menyala',
  'upload.drop': 'atau letakkan foto di sini',
  'text.label': 'Tempel atau ketik baris MRZ',
  'text.hint': '2 atau 3 baris, huruf besar, tanda < sebagai pengisi.',
  ...MRZ_DOUBT_MESSAGES.id,
  'fallbacks.label': 'Cara lain',
  'error.permission_denied':
    'Akses kamera ditolak. Izinkan kamera untuk situs ini di pengaturan peramban, atau unggah foto / ketik MRZ.',
  'error.no_camera': 'Tidak ada kamera yang ditemukan. Sambungkan kamera, atau unggah foto / ketik MRZ.',
  'error.camera_in_use':
    'Kamera sedang dipakai aplikasi atau tab lain. Tutup aplikasi tersebut lalu coba lagi.',
  'error.insecure_context': 'Kamera hanya tersedia di halaman yang aman (https). Hubungi pengelola portal.',
  'error.device_lost': 'Kamera terputus saat memindai. Sambungkan kembali lalu tekan "Mulai kamera".',
  'error.unsupported': 'Peramban ini tidak mendukung pemindaian kamera. Unggah foto atau ketik MRZ.',
  'error.upload_failed': 'Foto tidak dapat dibuka. Gunakan berkas JPEG atau PNG.',
  'error.engine': 'Pembaca MRZ gagal dimuat. Muat ulang halaman.',
};

const en: Record<keyof typeof id, string> = {
  'region.label': 'MRZ scanner',
  'video.label': 'Camera preview',
  'status.idle': 'Camera is off. Press "Start camera" or use another way below.',
  'status.starting': 'Opening the camera…',
  'status.searching': 'Point the MRZ into the frame',
  'status.holding': 'Hold still',
  'status.closer': 'Move the document closer to the camera: the MRZ letters are too small',
  'status.steady': 'The MRZ is blurred: hold the document and the camera still, or add light',
  'status.misprint': 'MRZ read, but its check digits do not match what is printed. Compare the text below with the document.',
  'status.offStandard': 'MRZ read and its check digits match, but it does not follow the standard (for example an unknown state or nationality code). Compare the text below with the document.',
  'status.read': 'Read',
  'status.paused': 'Camera paused because the page is hidden.',
  'status.readFrom': 'Read: {format}, document {number}',
  'status.reading': 'Reading the photo…',
  'status.uploadNone': 'No MRZ found in the photo. Try a sharper, straight photo without glare.',
  'status.uploadSmall': 'The photo shows an MRZ, but its letters are too small to read. Take the photo closer, so the MRZ is larger.',
  'status.uploadBlurred': 'The photo shows an MRZ, but it is blurred. Take the photo again with the camera held still and in focus, in good light.',
  'status.uploadUnread': 'The photo shows an MRZ, but it could not be read. Try a closer, straight photo without glare.',
  'status.uploadUnsure':
    'The photo\'s MRZ was read and its check digits match, but some characters were not read surely. Compare the text below with the document, correct what differs, and press "Read MRZ text".',
  'status.textInvalid': 'The MRZ text is not valid: check the number of lines, their length and the check digits.',
  'status.keyboardListening': 'Ready for a desk MRZ reader.',
  'button.start': 'Start camera',
  'button.stop': 'Stop camera',
  'button.torchOn': 'Turn light on',
  'button.torchOff': 'Turn light off',
  'button.upload': 'Upload a document photo',
  'button.readText': 'Read MRZ text',
  'camera.label': 'Camera',
  'camera.unnamed': 'Camera {n}',
  'camera.live': 'Camera on',
  'upload.drop': 'or drop a photo here',
  'text.label': 'Paste or type the MRZ lines',
  'text.hint': '2 or 3 lines, capital letters, < as filler.',
  ...MRZ_DOUBT_MESSAGES.en,
  'fallbacks.label': 'Other ways',
  'error.permission_denied':
    'Camera access was denied. Allow the camera for this site in the browser settings, or upload a photo / type the MRZ.',
  'error.no_camera': 'No camera was found. Connect a camera, or upload a photo / type the MRZ.',
  'error.camera_in_use': 'The camera is in use by another app or tab. Close it and try again.',
  'error.insecure_context': 'The camera is only available on secure (https) pages. Contact the portal administrator.',
  'error.device_lost': 'The camera was disconnected while scanning. Reconnect it and press "Start camera".',
  'error.unsupported': 'This browser does not support camera scanning. Upload a photo or type the MRZ.',
  'error.upload_failed': 'The photo could not be opened. Use a JPEG or PNG file.',
  'error.engine': 'The MRZ reader failed to load. Reload the page.',
};

/** The scanner's dictionaries. */
export const messages = defineMessages(id, en);

/** Keys of the scanner's messages. */
export type ScannerMessageKey = keyof typeof id;
