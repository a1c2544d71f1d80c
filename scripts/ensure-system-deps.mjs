// The test command needs Debian's Chromium, the OCR-B font (MRZ test data), ffmpeg (fake-camera clips) and
// PostgreSQL (the server's contract suite). Install what is missing when we are root on Debian,
// otherwise stop with the exact command to run.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath, hasChromium } from './chromium.mjs';

const needed = [];
if (!hasChromium()) needed.push('chromium');
if (!existsSync('/usr/share/fonts/opentype/ocr-b/OCRB.otf')) needed.push('fonts-ocr-b');
if (!hasCommand('ffmpeg')) needed.push('ffmpeg');
if (!existsSync('/usr/lib/postgresql')) needed.push('postgresql');

if (needed.length > 0) {
  const cmd = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${needed.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !hasCommand('apt-get')) {
    console.error(`Missing: ${needed.join(', ')}. Run as root:\n  ${cmd}\n(or set CHROME_PATH to a Chromium binary)`);
    process.exit(1);
  }
  console.log(`Installing ${needed.join(', ')} from Debian...`);
  execSync(cmd, { stdio: 'inherit', shell: '/bin/bash' });
}
if (!hasChromium()) {
  console.error(`Chromium not found at ${chromiumPath()}`);
  process.exit(1);
}

function hasCommand(name) {
  try {
    execSync(`command -v ${name}`, { stdio: 'ignore', shell: '/bin/bash' });
    return true;
  } catch {
    return false;
  }
}
