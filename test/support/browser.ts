/**
 * The browser harness of the `browser` suite: Debian's Chromium driven by puppeteer-core (no
 * browser is ever downloaded; scripts/setup-browser.sh installs it), pages opened offline (every
 * request that is not file: or data: is recorded and aborted), console and page errors kept,
 * and probes that read what the report contract promises from the rendered page: the charts
 * (`figure.chart` with its SVG, title, caption and data table), the headline month table, the
 * layout at a given width, and axe-core's accessibility findings.
 *
 * The probes run inside the page; the page's DOM is described by the few minimal interfaces
 * below rather than by TypeScript's DOM library, which would leak browser globals into the
 * type-checking of the Node code.
 */
import fs from 'node:fs/promises';
import { constants as fsConstants, accessSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** The executable: CHROMIUM_PATH, or `chromium` on PATH (what scripts/setup-browser.sh installs). */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'chromium');
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(
    'The browser tests need Chromium and there is no `chromium` on PATH. ' +
      "Run `bash scripts/setup-browser.sh` (installs Debian's chromium), or set CHROMIUM_PATH.",
  );
}

/** A running Chromium with a profile, home and temp folder of its own, all removed by close(). */
export interface Chromium {
  browser: Browser;
  version: string;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium. Its profile, HOME, XDG folders and TMPDIR point into one fresh
 * temporary folder, so nothing is left in the user's home (Chromium creates ~/.pki and caches)
 * or the shared temp folder. As root (CI here), Chromium refuses to start without --no-sandbox.
 */
export async function launchChromium(): Promise<Chromium> {
  const executablePath = chromiumPath();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sl-chromium-'));
  const sub = (name: string) => path.join(dir, name);
  await Promise.all(['home', 'tmp', 'profile'].map((d) => fs.mkdir(sub(d))));
  const asRoot = process.getuid?.() === 0;
  try {
    const browser = await puppeteer.launch({
      executablePath,
      headless: true,
      userDataDir: sub('profile'),
      args: [
        ...(asRoot ? ['--no-sandbox'] : []),
        // Containers often have a small /dev/shm.
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--no-default-browser-check',
      ],
      env: {
        ...process.env,
        HOME: sub('home'),
        XDG_CONFIG_HOME: path.join(sub('home'), '.config'),
        XDG_CACHE_HOME: path.join(sub('home'), '.cache'),
        XDG_DATA_HOME: path.join(sub('home'), '.local/share'),
        TMPDIR: sub('tmp'),
      },
    });
    return {
      browser,
      version: await browser.version(),
      close: async () => {
        await browser.close().catch(() => {});
        await fs.rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** What a page did that the report must never do. */
export interface PageLog {
  /** Requests that were not file: or data: (each aborted before it left). */
  requests: string[];
  /** console.error messages. */
  consoleErrors: string[];
  /** Uncaught exceptions. */
  pageErrors: string[];
}

/** How to open a page. */
export interface OpenOptions {
  /**
   * Ignore the page's Content-Security-Policy: axe-core is injected as an inline script, which a
   * CSP of `default-src 'none'` refuses; and with the CSP off, the request log shows whether the
   * page would load anything were it not for its CSP.
   */
  bypassCSP?: boolean;
}

/** A page of `chromium` at `width` px wide, recording into `log`, not yet navigated. */
export async function offlinePage(
  chromium: Chromium,
  width: number,
  opts: OpenOptions = {},
): Promise<{ page: Page; log: PageLog }> {
  const page = await chromium.browser.newPage();
  const log: PageLog = { requests: [], consoleErrors: [], pageErrors: [] };
  if (opts.bypassCSP) await page.setBypassCSP(true);
  await page.setViewport({ width, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', (req) => {
    const url = req.url();
    if (url.startsWith('file:') || url.startsWith('data:')) {
      void req.continue();
    } else {
      log.requests.push(url);
      void req.abort('blockedbyclient');
    }
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') log.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => {
    log.pageErrors.push(err instanceof Error ? err.message : String(err));
  });
  return { page, log };
}

/** Opens the file `file` in a fresh offline page `width` px wide; waits for its load event. */
export async function openFile(
  chromium: Chromium,
  file: string,
  width: number,
  opts: OpenOptions = {},
): Promise<{ page: Page; log: PageLog }> {
  const opened = await offlinePage(chromium, width, opts);
  const url = new URL(`file://${path.resolve(file)}`).href;
  const res = await opened.page.goto(url, { waitUntil: 'load' });
  if (res && !res.ok()) throw new Error(`Chromium could not open ${url}: ${res.status()}`);
  return opened;
}

/** URLs in `html` that would load from the network: http(s) or protocol-relative in src/href/url(). */
export function networkUrls(html: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:src|href|srcset|poster|data|action|xlink:href)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]+)/gi,
    /url\(\s*["']?\s*((?:https?:)?\/\/[^"')\s]+)/gi,
    /@import\s+["']((?:https?:)?\/\/[^"']+)/gi,
  ];
  for (const re of patterns) for (const m of html.matchAll(re)) found.push(m[1]!);
  return found;
}

// The few DOM shapes the probes use (see the module doc).
interface Rect {
  left: number;
  right: number;
  width: number;
  height: number;
}
interface El {
  id: string;
  textContent: string | null;
  parentElement: El | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  closest(selector: string): El | null;
  getBoundingClientRect(): Rect;
}
interface Doc extends El {
  documentElement: El & { scrollWidth: number; clientWidth: number };
  getElementById(id: string): El | null;
}
interface PageGlobals {
  document: Doc;
  innerWidth: number;
}

/** One `figure.chart` as the page renders it. */
export interface ChartInfo {
  name: string | null;
  /** data-marks as written (the contract: a whole number > 0). */
  marks: string | null;
  /** SVGs that are not inside another SVG. */
  svgs: number;
  /**
   * Marks drawn in the chart's SVG (not the route thumbnails): distinct series and data index of
   * the elements ECharts' SSR renderer tags `ecmeta_ssr_type="chart"` (the report module's doc).
   */
  drawnMarks: number;
  /** `svg.route` thumbnails (the routes chart). */
  routeSvgs: number;
  /** Route thumbnails that draw a line (a path with a `d` or a polyline with points). */
  drawnRoutes: number;
  /**
   * Per top-level SVG: whether it is a route thumbnail, its role, whether aria-labelledby names
   * elements with text, its title.
   */
  svgDetails: { route: boolean; role: string | null; labelled: boolean; title: string }[];
  figcaption: string;
  /** `table.chart-data` inside a `details`. */
  dataTables: number;
  /** Body rows of those tables. */
  dataRows: number;
}

/** Every `figure.chart` of the page, in document order. */
export function readCharts(page: Page): Promise<ChartInfo[]> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const text = (e: El | null) => (e?.textContent ?? '').trim();
    return Array.from(document.querySelectorAll('figure.chart')).map((fig) => {
      const top = Array.from(fig.querySelectorAll('svg')).filter(
        (s) => !s.parentElement?.closest('svg'),
      );
      const isRoute = (s: El) => (s.getAttribute('class') ?? '').split(/\s+/).includes('route');
      const tables = Array.from(fig.querySelectorAll('details table.chart-data'));
      return {
        name: fig.getAttribute('data-chart'),
        marks: fig.getAttribute('data-marks'),
        svgs: top.filter((s) => !isRoute(s)).length,
        drawnMarks: new Set(
          top
            .filter((s) => !isRoute(s))
            .flatMap((s) =>
              Array.from(s.querySelectorAll('[ecmeta_ssr_type="chart"][ecmeta_data_index]')),
            )
            .map(
              (e) =>
                `${e.getAttribute('ecmeta_series_index')}:${e.getAttribute('ecmeta_data_index')}`,
            ),
        ).size,
        routeSvgs: fig.querySelectorAll('svg.route').length,
        drawnRoutes: Array.from(fig.querySelectorAll('svg.route')).filter(
          (s) =>
            Array.from(s.querySelectorAll('path')).some(
              (p) => (p.getAttribute('d') ?? '') !== '',
            ) ||
            Array.from(s.querySelectorAll('polyline')).some(
              (p) => (p.getAttribute('points') ?? '') !== '',
            ),
        ).length,
        svgDetails: top.map((s) => {
          const ids = (s.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean);
          const labels = ids.map((id) => document.getElementById(id));
          return {
            route: isRoute(s),
            role: s.getAttribute('role'),
            labelled: ids.length > 0 && labels.every((l) => text(l) !== ''),
            title: text(s.querySelector('title')),
          };
        }),
        figcaption: text(fig.querySelector('figcaption')),
        dataTables: tables.length,
        dataRows: tables.reduce((n, t) => n + t.querySelectorAll('tbody tr').length, 0),
      };
    });
  });
}

/** What a chart breaks of the contract in COMMON13.md ([] when nothing). */
export function chartProblems(c: ChartInfo): string[] {
  const out: string[] = [];
  const where = `chart ${c.name ?? '(no data-chart)'}`;
  if (!c.name) out.push(`${where}: no data-chart name`);
  const marks = Number(c.marks);
  if (c.marks === null || !Number.isInteger(marks) || marks <= 0) {
    out.push(`${where}: data-marks is ${JSON.stringify(c.marks)}, not a whole number > 0`);
  }
  if (c.name === 'routes') {
    if (c.svgs === 0 && c.routeSvgs === 0) out.push(`${where}: no svg`);
    if (c.routeSvgs > 0 && c.routeSvgs !== marks) {
      out.push(`${where}: ${c.routeSvgs} svg.route for data-marks ${c.marks}`);
    }
    if (c.drawnRoutes !== c.routeSvgs) {
      out.push(`${where}: ${c.routeSvgs - c.drawnRoutes} svg.route draw no line`);
    }
  } else if (c.svgs !== 1) {
    out.push(`${where}: ${c.svgs} svg (one expected)`);
  } else if (c.drawnMarks !== marks) {
    out.push(`${where}: ${c.drawnMarks} marks drawn in the svg for data-marks ${c.marks}`);
  }
  for (const s of c.svgDetails) {
    // A route thumbnail may be decorative (the figure's caption and table speak for the grid);
    // one that is an image must be named like a chart.
    if (s.route && s.role !== 'img') continue;
    const what = s.route ? 'svg.route' : 'svg';
    if (s.role !== 'img')
      out.push(`${where}: ${what} role is ${JSON.stringify(s.role)}, not "img"`);
    if (!s.labelled) out.push(`${where}: ${what} aria-labelledby names nothing with text`);
    if (!s.title) out.push(`${where}: ${what} without a <title>`);
  }
  if (!c.figcaption) out.push(`${where}: no figcaption`);
  if (c.dataTables < 1) out.push(`${where}: no table.chart-data inside <details>`);
  if (c.dataRows !== marks) out.push(`${where}: ${c.dataRows} data rows for data-marks ${c.marks}`);
  return out;
}

/** The page's headings and landmarks, as the contract names them. */
export interface Outline {
  mains: number;
  h1s: number;
  /** Per `section`: its first h2's text ('' when it has none). */
  sections: string[];
}

export function readOutline(page: Page): Promise<Outline> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    return {
      mains: document.querySelectorAll('main').length,
      h1s: document.querySelectorAll('h1').length,
      sections: Array.from(document.querySelectorAll('main section')).map((s) =>
        (s.querySelector('h2')?.textContent ?? '').trim(),
      ),
    };
  });
}

/** All the page's text, SVG titles and closed `details` included. */
export function readText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    return document.documentElement.textContent ?? '';
  });
}

/** One row of `#month-table`: its month and sport, and each `td[data-field]`'s data-value. */
export interface MonthRow {
  month: string | null;
  sport: string | null;
  values: Record<string, string | null>;
  /** Each `td[data-field]`'s text, as shown. */
  shown: Record<string, string>;
}

export function readMonthTable(page: Page): Promise<MonthRow[] | null> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const table = document.getElementById('month-table');
    if (!table) return null;
    return Array.from(table.querySelectorAll('tr[data-month]')).map((tr) => ({
      month: tr.getAttribute('data-month'),
      sport: tr.getAttribute('data-sport'),
      values: Object.fromEntries(
        Array.from(tr.querySelectorAll('td[data-field]')).map((td) => [
          td.getAttribute('data-field') ?? '',
          td.getAttribute('data-value'),
        ]),
      ),
      shown: Object.fromEntries(
        Array.from(tr.querySelectorAll('td[data-field]')).map((td) => [
          td.getAttribute('data-field') ?? '',
          (td.textContent ?? '').trim(),
        ]),
      ),
    }));
  });
}

/**
 * The layout at the page's current width: the document's and every chart SVG's extent (the
 * extent of its scroll box when the chart sits in one).
 */
export interface Layout {
  innerWidth: number;
  scrollWidth: number;
  svgs: { chart: string; left: number; right: number }[];
}

export function readLayout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    const svgs = Array.from(document.querySelectorAll('figure.chart svg'))
      .filter((s) => !s.parentElement?.closest('svg'))
      .map((s) => {
        // A chart in a scroll box (.chart-box) may be wider than the screen: the box must fit.
        const r = (s.closest('.chart-box') ?? s).getBoundingClientRect();
        const chart = s.closest('figure.chart')?.getAttribute('data-chart') ?? '';
        return { chart, left: r.left, right: r.right };
      });
    return { innerWidth, scrollWidth: document.documentElement.scrollWidth, svgs };
  });
}

/** Where the layout does not fit its width ([] when it does). */
export function layoutProblems(l: Layout): string[] {
  const out: string[] = [];
  if (l.scrollWidth > l.innerWidth) {
    out.push(`the page is ${l.scrollWidth} px wide in a ${l.innerWidth} px viewport`);
  }
  // Half a pixel for sub-pixel layout.
  for (const s of l.svgs) {
    if (s.left < -0.5 || s.right > l.innerWidth + 0.5) {
      out.push(
        `an svg of chart ${s.chart} spans ${s.left.toFixed(1)}..${s.right.toFixed(1)} px of ${l.innerWidth}`,
      );
    }
  }
  return out;
}

/** One axe-core violation, with the elements it names. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core');

/**
 * Injects axe-core into the page (inline, from node_modules) and returns its violations. A page
 * with a CSP that forbids scripts must be opened with `bypassCSP`.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_SCRIPT });
  const results = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: {
      id: string;
      impact?: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }[];
  };
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact ?? null,
    help: v.help,
    targets: v.nodes.map((n) => n.target.map(String).join(' ')),
  }));
}

/** The violations of impact serious or critical. */
export const seriousOrWorse = (vs: AxeViolation[]) =>
  vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** The median rendered height, in CSS pixels, of the text in the charts' SVGs. */
export async function medianChartTextPx(page: Page): Promise<number> {
  const heights = await page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    return Array.from(document.querySelectorAll('figure.chart svg text'))
      .map((t) => t.getBoundingClientRect().height)
      .filter((h) => h > 0);
  });
  const sorted = [...heights].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : 0;
}
