import { existsSync } from "fs";
import { Browser, chromium, Page } from "playwright-core";

// Code that runs in the page (the project compiles without the DOM library).
declare const document: any;
declare const Image: any;

/** Debian's Chromium (package chromium), installed by e2e/install.sh: tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Headless Chromium driven by playwright-core. Flags: no sandbox (CI runs as root), and nothing that reaches out
 * (background networking, component updates, sync): the machine's network is closed and those calls only fail.
 * Playwright gives each launch a fresh profile of its own.
 */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run bash e2e/install.sh (it installs Debian's chromium)`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/** What a page printed to its console at error level, and the exceptions it threw. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => errors.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? "?"})`));
  return errors;
}

/**
 * How much of a screenshot is drawn: the share of pixels that differ from its most common colour (the background)
 * and the number of distinct colours (decoded in the browser itself: no image library needed).
 */
export async function screenshotInk(page: Page, png: Buffer): Promise<{ ink: number; colours: number; width: number; height: number }> {
  return page.evaluate(async (b64: string) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = img.width;
    canvas.height = img.height;
    const ctx = canvas.getContext("2d")!;
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, img.width, img.height).data;
    const counts = new Map<number, number>();
    for (let i = 0; i < data.length; i += 4) {
      const c = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const total = data.length / 4;
    const background = Math.max(...counts.values());
    return { ink: (total - background) / total, colours: counts.size, width: img.width, height: img.height };
  }, png.toString("base64"));
}
