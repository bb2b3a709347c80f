import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/** A headless Chromium, or why none could start here (the end-to-end tests then skip, saying so). */
export type ChromiumLaunch = { browser: Browser } | { browser: null; reason: string };

/** Starts the Chromium that @sparticuz/chromium ships, headless, with its recommended flags. */
export async function launchChromium(): Promise<ChromiumLaunch> {
  try {
    const browser = await chromium.launch({
      executablePath: await sparticuz.executablePath(),
      args: sparticuz.args,
      headless: true,
    });
    return { browser };
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { browser: null, reason: `headless Chromium could not start: ${detail}` };
  }
}
