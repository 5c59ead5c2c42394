// Debian's Chromium driven by playwright-core: never a downloaded browser. The flags keep it from reaching
// for Google's services, which this machine's closed network refuses.
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM);

if (!hasChromium) console.warn(`${CHROMIUM} is absent: browser tests are skipped (apt-get install chromium); with CI=true the run fails instead.`);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
