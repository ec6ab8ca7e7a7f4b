/** Prints the report's HTML to an A4 PDF in headless Chromium (playwright-core driving Debian's package). */
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
];

export async function launchChromium(executablePath: string): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  } catch (error) {
    throw new Error(
      `cannot start Chromium at ${executablePath} (set OTKLIK_CHROMIUM; on Debian: apt-get install chromium): ${
        (error as Error).message.split('\n')[0]
      }`,
    );
  }
}

export async function writeReportPdf(html: string, path: string, executablePath: string): Promise<void> {
  const browser = await launchChromium(executablePath);
  try {
    const page = await browser.newPage();
    // The page loads nothing from anywhere: charts are inline SVG.
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({
      path,
      format: 'A4',
      printBackground: true,
      margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' },
    });
  } finally {
    await browser.close();
  }
}
