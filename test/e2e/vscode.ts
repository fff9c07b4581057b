/**
 * Real VS Code for the end-to-end tests: code-server 4.100.3 (installed by ./install.ts into a cache folder outside the
 * work tree) with the packaged .vsix installed into a throwaway extensions folder, serving a copy of a workspace folder
 * on a free loopback port, driven by playwright-core in Debian's Chromium (never a downloaded browser).
 *
 * Everything a run writes lives in one temporary folder (user data, extensions, HOME and XDG folders, the browser
 * profile, the workspace copy) that stop() removes; code-server's log and the screenshots go to .test-artifacts/e2e/.
 * stop() ends code-server's and Chromium's process groups; so does the process exiting, whatever the reason.
 *
 * startCodeServer is the code-server half on its own (no browser), which the demo (`npm start`, tools/demo/start.ts)
 * uses too; startVSCode adds Chromium to it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Page } from 'playwright-core';
import { httpStatus } from '../support/http';
import { freePort } from '../support/ports';
import { endGroup, trackDir, trackGroup, untrackDir } from '../support/processes';
import { sleep } from '../support/wait';
import { CHROMIUM, ensureCodeServer, type InstallReport } from './install';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(REPO_ROOT, '.test-artifacts', 'e2e');

/** A code lens: a link when it has a command, a span when it is a label (the separators are spans too). */
const LENS = '.codelens-decoration > a, .codelens-decoration > span';

/** The Chromium flags: no sandbox (root), no GPU, nothing that phones out. */
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/** What startCodeServer takes (the logs go to .test-artifacts/e2e/), and the browser's viewport. */
export interface VSCodeOptions extends Pick<CodeServerOptions, 'vsix' | 'workspaceFrom' | 'workspaceName' | 'settings' | 'env' | 'label' | 'log'> {
  /** Browser viewport. Default 1400 x 900. */
  viewport?: { width: number; height: number };
  log?: (line: string) => void;
}

export interface Timings {
  install: InstallReport;
  /** `--install-extension` of the .vsix. */
  extensionInstallMs: number;
  /** code-server started until /healthz answered. */
  serverUpMs: number;
  /** code-server started until the workbench showed the workspace's files. */
  workbenchMs: number;
  /** Page opened until the workbench showed the workspace's files. */
  pageToWorkbenchMs: number;
}

export interface Dialog {
  message: string;
  detail: string;
  buttons: string[];
}

export interface Problems {
  errors: number;
  warnings: number;
  infos: number;
}

export interface VSCode {
  page: Page;
  url: string;
  /** The workspace copy's folder on disk. */
  workspace: string;
  timings: Timings;
  /** Opens a workspace file through Quick Open (Ctrl+P) and waits for its editor to have focus. */
  openFile(name: string): Promise<void>;
  /** Waits until at least one code lens is shown (or one with `text`) and returns the lens texts. */
  waitForLenses(opts?: { text?: string | RegExp; timeoutMs?: number }): Promise<string[]>;
  /** The code lens texts shown now (commands and labels), top to bottom. */
  lensTexts(): Promise<string[]>;
  /** Resolves once the active editor's lenses have not changed for `quietMs` (1.2 s), so they belong to the current text. */
  lensesSettled(quietMs?: number, timeoutMs?: number): Promise<void>;
  /** Clicks the lens with exactly this text, once the lenses have settled. */
  clickLens(text: string): Promise<void>;
  /**
   * The active editor's lenses (links) that are not wholly in view: cut by the editor's right edge or under the minimap,
   * where a click cannot reach them. Each with its text and how far it runs past, in pixels.
   */
  lensesCut(): Promise<{ text: string; overflowPx: number }[]>;
  /** Moves the cursor to a 1-based line and column (Go to Line, Ctrl+G). */
  goTo(line: number, column: number): Promise<void>;
  /** Selects `count` characters to the right of the cursor. */
  selectRight(count: number): Promise<void>;
  /** Types text at the cursor (replacing the selection). */
  type(text: string): Promise<void>;
  /** Presses a key or chord in the page, e.g. `Control+Z`. */
  press(key: string): Promise<void>;
  /** Saves the active editor (Ctrl+S) and waits until the file on disk has changed from `previous` (if given). */
  save(file?: string, previous?: string): Promise<string | undefined>;
  /** Reads a workspace file from disk. */
  readFile(name: string): string;
  /** The active editor's rendered lines (only what is on screen), in line order. */
  visibleText(): Promise<string>;
  /** The counts of the Problems entry in the status bar. */
  problems(): Promise<Problems>;
  /** Waits until the Problems entry shows these counts (errors, and warnings if given). */
  waitForProblems(expected: { errors: number; warnings?: number }, timeoutMs?: number): Promise<Problems>;
  /** How many squiggles of this severity the active editor shows. */
  squiggles(severity?: 'error' | 'warning' | 'info' | 'hint'): Promise<number>;
  /** Triggers completion (Ctrl+Space) at the cursor and returns the suggestion labels shown. */
  completionLabels(opts?: { timeoutMs?: number }): Promise<string[]>;
  /** The suggestion labels the suggest widget shows now (none when it is closed). */
  completionLabelsShown(): Promise<string[]>;
  /** The messages of the notifications shown as toasts now. */
  toasts(): Promise<string[]>;
  /** Opens the notification center (every notification of the session, including toasts that hid themselves) and returns its messages. */
  notificationCenter(): Promise<string[]>;
  /** Saves a screenshot of the page to .test-artifacts/e2e/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  /**
   * Shows the Canary Lens side panel (the `Canary Lens` activity-bar container; a click on its icon when it is not
   * shown already) and returns its webview's content frame once the panel's document has rendered.
   */
  openPanel(opts?: { timeoutMs?: number }): Promise<FrameLocator>;
  /** The content frame of the Canary Lens panel's webview (webviews are nested iframes: iframe.webview → #active-frame). */
  panelFrame(): FrameLocator;
  /** Waits for a modal dialog (`.monaco-dialog-box`) and returns its message, detail and button texts. */
  waitForDialog(timeoutMs?: number): Promise<Dialog>;
  /** Clicks the modal dialog's button with this text (exactly, or matching) and waits for the dialog to close. */
  clickDialogButton(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** The active editor tab's label (for a diff editor: the title it was opened with). */
  activeTabLabel(): Promise<string>;
  /** Drags the side bar's sash until the side bar is about `width` pixels wide (left or right of the editor). */
  setSideBarWidth(width: number): Promise<void>;
  /** Ends Chromium and code-server and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

export interface CodeServerOptions {
  /** The packaged extension to install. */
  vsix: string;
  /** A folder copied into the run's temporary folder and opened as the workspace. */
  workspaceFrom: string;
  /** The workspace folder's name in the copy (shows in the explorer). Default: the source folder's name. */
  workspaceName?: string;
  /** User settings on top of the harness's own. */
  settings?: Record<string, unknown>;
  /** Extra environment for code-server (and so the extension host), e.g. KUBECONFIG. */
  env?: Record<string, string>;
  /** Names this instance's log files in `logDir` (code-server-<label>.log, logs-<label>/). Default `vscode`. */
  label?: string;
  /** Where code-server's log is written and VS Code's own logs are copied to on stop(). Default .test-artifacts/e2e/. */
  logDir?: string;
  /** Loopback port to listen on (127.0.0.1). Default: a free one. */
  port?: number;
  /** Prefix of the run's temporary folder (in the OS temp folder). Default `canary-lens-e2e-`. */
  tmpPrefix?: string;
  log?: (line: string) => void;
}

/** A running code-server (no browser): what startCodeServer returns. */
export interface CodeServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  port: number;
  /** The URL that opens the workbench on the workspace copy. */
  workspaceUrl: string;
  /** The workspace copy's folder on disk. */
  workspace: string;
  /** The run's temporary folder (removed by stop()) and the folders in it that code-server runs with. */
  dirs: { tmp: string; userData: string; extensions: string; home: string; xdg: string };
  install: InstallReport;
  /** `--install-extension` of the .vsix. */
  extensionInstallMs: number;
  /** code-server started until /healthz answered. */
  serverUpMs: number;
  /** When code-server was started (Date.now()). */
  startedAt: number;
  /** code-server's own output. */
  logFile: string;
  /** Resolves with a description once code-server has exited, whether by stop() or by itself. */
  exited: Promise<string>;
  /** Ends code-server's process group, keeps VS Code's logs in `logDir` and removes the temporary folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** The environment code-server and the browser start from: nothing of the caller's that points at a cluster or another VS Code. */
function cleanEnv(): NodeJS.ProcessEnv {
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(baseEnv)) {
    if (k === 'KUBECONFIG' || k.startsWith('VSCODE_') || k.startsWith('ELECTRON_') || k === 'NODE_OPTIONS') delete baseEnv[k];
  }
  return baseEnv;
}

/**
 * Installs what is missing (./install.ts), copies the workspace into a temporary folder, writes the user settings,
 * installs the .vsix into a throwaway extensions folder and starts code-server on 127.0.0.1 (no auth), resolving once
 * /healthz answers. Used by startVSCode (which adds the browser) and by the demo (`npm start`, tools/demo/start.ts).
 */
export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[e2e] ${line}\n`));
  const install = ensureCodeServer((line) => log(`install: ${line}`));
  log(`code-server install: ${install.cold ? 'cold' : 'warm'}, ${(install.ms / 1000).toFixed(1)} s`);

  const logDir = opts.logDir ?? ARTIFACTS;
  mkdirSync(logDir, { recursive: true });
  const tmp = mkdtempSync(path.join(tmpdir(), opts.tmpPrefix ?? 'canary-lens-e2e-'));
  // Removed when the process exits, whatever the reason (kept for a look with CANARY_LENS_E2E_KEEP).
  if (!process.env.CANARY_LENS_E2E_KEEP) trackDir(tmp);
  const dirs = {
    tmp,
    userData: path.join(tmp, 'user-data'),
    extensions: path.join(tmp, 'extensions'),
    home: path.join(tmp, 'home'),
    xdg: path.join(tmp, 'xdg'),
  };
  for (const d of [dirs.userData, dirs.extensions, dirs.home, dirs.xdg]) mkdirSync(d, { recursive: true });
  const workspace = path.join(tmp, opts.workspaceName ?? path.basename(opts.workspaceFrom));
  cpSync(opts.workspaceFrom, workspace, { recursive: true });

  const settings = {
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'files.autoSave': 'off',
    'editor.minimap.enabled': false,
    // code-server would otherwise watch the machine's listening ports and announce each in a notification.
    'remote.autoForwardPorts': false,
    // The LSP traffic in the Canary Lens log (kept in .test-artifacts/e2e/logs-<label>/) explains a failed step.
    'canaryLens.trace.server': 'messages',
    ...opts.settings,
  };
  // The user's settings reach the extension host through the browser, some time after it starts (and, under load,
  // now and then not before the extension reads them); the remote machine's settings file is read on the server side
  // and is there from the first read. Both files hold the same settings.
  for (const scope of ['User', 'Machine']) {
    mkdirSync(path.join(dirs.userData, scope), { recursive: true });
    writeFileSync(path.join(dirs.userData, scope, 'settings.json'), JSON.stringify(settings, null, 2));
  }

  const port = opts.port ?? (await freePort());
  const config = path.join(tmp, 'code-server.yaml');
  writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_DATA_HOME: path.join(dirs.xdg, 'data'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    EXTENSIONS_GALLERY: '{"serviceUrl":""}',
    ...opts.env,
  };
  const common = ['--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  let t = Date.now();
  const inst = spawnSync(process.execPath, [install.entry, ...common, '--install-extension', opts.vsix], { env, encoding: 'utf8', timeout: 120_000 });
  if (inst.status !== 0) throw new Error(`installing ${opts.vsix} failed (exit ${inst.status ?? inst.signal}):\n${inst.stdout}\n${inst.stderr}`);
  const extensionInstallMs = Date.now() - t;
  log(`installed ${path.basename(opts.vsix)} in ${extensionInstallMs} ms: ${inst.stdout.trim().split('\n').pop()}`);

  const label = opts.label ?? 'vscode';
  const logFile = path.join(logDir, `code-server-${label}.log`);
  const serverLog = createWriteStream(logFile);
  t = Date.now();
  const startedAt = t;
  const server: ChildProcess = spawn(process.execPath, [
    install.entry, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace,
  ], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (server.pid === undefined) throw new Error('code-server did not start');
  const serverPid = server.pid;
  trackGroup(serverPid);
  server.stdout?.pipe(serverLog, { end: false });
  server.stderr?.pipe(serverLog, { end: false });
  let serverExit: string | undefined;
  const exited = new Promise<string>((resolve) => {
    server.on('exit', (code, signal) => {
      serverExit = `code-server exited (${code ?? signal})`;
      resolve(serverExit);
    });
  });

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await endGroup(serverPid);
    serverLog.end();
    // VS Code's own logs (the extension host's, and the Canary Lens output channel's) outlive the run.
    try {
      const logs = path.join(logDir, `logs-${label}`);
      rmSync(logs, { recursive: true, force: true });
      cpSync(path.join(dirs.userData, 'logs'), logs, { recursive: true });
    } catch {
      // no logs written
    }
    if (!process.env.CANARY_LENS_E2E_KEEP) rmSync(tmp, { recursive: true, force: true });
    else log(`kept ${tmp}`);
    untrackDir(tmp);
  };

  const url = `http://127.0.0.1:${port}/`;
  try {
    const upDeadline = Date.now() + 60_000;
    while ((await httpStatus(`${url}healthz`)) !== 200) {
      if (serverExit) throw new Error(`${serverExit}; see ${logFile}`);
      if (Date.now() > upDeadline) throw new Error(`code-server did not answer ${url}healthz within 60 s`);
      await sleep(100);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  const serverUpMs = Date.now() - t;
  log(`code-server up on ${url} in ${serverUpMs} ms`);
  return {
    url, port, workspaceUrl: `${url}?folder=${encodeURIComponent(workspace)}`, workspace, dirs, install, extensionInstallMs,
    serverUpMs, startedAt, logFile, exited, stop,
  };
}

/** Installs what is missing, starts code-server and Chromium, and opens the workbench on the workspace copy. */
export async function startVSCode(opts: VSCodeOptions): Promise<VSCode> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`[e2e] ${line}\n`));
  const server = await startCodeServer({
    vsix: opts.vsix, workspaceFrom: opts.workspaceFrom, workspaceName: opts.workspaceName, settings: opts.settings, env: opts.env,
    label: opts.label, log,
  });
  const { url, workspace, dirs } = server;
  const browserProfile = path.join(dirs.tmp, 'chromium-profile');
  mkdirSync(browserProfile, { recursive: true });

  let context: BrowserContext | undefined;
  let browserPid: number | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await Promise.race([context?.close(), sleep(5000)]);
    } catch {
      // the browser is gone already
    }
    if (browserPid !== undefined) await endGroup(browserPid, 1000);
    await server.stop();
  };

  try {
    context = await chromium.launchPersistentContext(browserProfile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: { ...cleanEnv(), HOME: dirs.home, XDG_CONFIG_HOME: path.join(dirs.xdg, 'chromium-config'), XDG_CACHE_HOME: path.join(dirs.xdg, 'chromium-cache') },
      viewport: opts.viewport ?? { width: 1400, height: 900 },
      timeout: 60_000,
    });
    // Chromium's own process group (playwright starts it detached) is ended on exit too.
    browserPid = findBrowserPid(browserProfile);
    if (browserPid === undefined) log('could not find the Chromium process (it is still ended with the browser context)');
    else trackGroup(browserPid);
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(30_000);
    const pageStarted = Date.now();
    await page.goto(server.workspaceUrl);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    const workbenchMs = Date.now() - server.startedAt;
    const pageToWorkbenchMs = Date.now() - pageStarted;
    log(`workbench ready ${workbenchMs} ms after code-server started (${pageToWorkbenchMs} ms after the page opened)`);

    const timings: Timings = {
      install: server.install, extensionInstallMs: server.extensionInstallMs, serverUpMs: server.serverUpMs, workbenchMs, pageToWorkbenchMs,
    };
    return makeVSCode(page, url, workspace, timings, stop);
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The pid of the Chromium started with this profile folder (its process group leader). */
function findBrowserPid(profile: string): number | undefined {
  const r = spawnSync('pgrep', ['-o', '-f', '--', `--user-data-dir=${profile}`], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim().split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function makeVSCode(page: Page, url: string, workspace: string, timings: Timings, stop: () => Promise<void>): VSCode {
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  const quickInput = page.locator('.quick-input-widget');

  const problems = async (): Promise<Problems> => {
    const text = (await page.locator('[id="status.problems"]').first().textContent()) ?? '';
    const n = (text.match(/\d+/g) ?? []).map(Number);
    return { errors: n[0] ?? 0, warnings: n[1] ?? 0, infos: n[2] ?? 0 };
  };

  const vscode: VSCode = {
    page,
    url,
    workspace,
    timings,

    async openFile(name) {
      await page.keyboard.press('Control+P');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(name);
      // The first result is the best match; wait for it to be the file asked for.
      await quickInput.locator('.monaco-list-row', { hasText: name }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator(`.tab.active[data-resource-name="${name}"], .tab.active[aria-label^="${name}"]`).first().waitFor();
      await editor.locator('.view-lines').waitFor();
      await editor.locator('.view-lines').click({ position: { x: 5, y: 5 } });
    },

    async waitForLenses(o = {}) {
      const lens = page.locator(LENS);
      if (o.text === undefined) await lens.first().waitFor({ timeout: o.timeoutMs ?? 60_000 });
      else await lens.filter({ hasText: o.text }).first().waitFor({ timeout: o.timeoutMs ?? 60_000 });
      return vscode.lensTexts();
    },

    async lensTexts() {
      const texts = await page.locator(LENS).allTextContents();
      // The separators between lenses are spans of their own.
      return texts.map((s) => s.replace(/\u00a0/g, ' ').trim()).filter((s) => s !== '|' && s !== '');
    },

    async clickLens(text) {
      // VS Code keeps showing the previous lenses (with their old arguments) until the provider has answered for the
      // current text, and the server refuses a lens computed for an older text. A person clicks a second later; the
      // test waits for the lenses to stop changing instead.
      await vscode.lensesSettled();
      const lens = page.locator('.codelens-decoration a').filter({ hasText: new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) }).first();
      await lens.click();
    },

    async lensesCut() {
      return page.evaluate<{ text: string; overflowPx: number }[]>(`(${LENSES_CUT})()`);
    },

    async lensesSettled(quietMs = 1200, timeoutMs = 15_000) {
      // A string, not a function: tsx would add helpers to a function that do not exist in the page.
      await page.evaluate(`(${LENSES_SETTLED})(${quietMs}, ${timeoutMs})`);
    },

    async goTo(line, column) {
      await page.keyboard.press('Control+G');
      await quickInput.waitFor({ state: 'visible' });
      await page.keyboard.type(`${line}:${column}`);
      await page.keyboard.press('Enter');
      await quickInput.waitFor({ state: 'hidden' });
    },

    async selectRight(count) {
      for (let i = 0; i < count; i++) await page.keyboard.press('Shift+ArrowRight');
    },

    async type(text) {
      await page.keyboard.type(text);
    },

    async press(key) {
      await page.keyboard.press(key);
    },

    async save(file, previous) {
      await page.keyboard.press('Control+S');
      if (!file) return undefined;
      const deadline = Date.now() + 15_000;
      for (;;) {
        const text = vscode.readFile(file);
        if (previous === undefined || text !== previous) {
          // The dirty marker goes away once the save has finished.
          await page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 15_000 });
          return vscode.readFile(file);
        }
        if (Date.now() > deadline) throw new Error(`${file} did not change on disk after Ctrl+S`);
        await sleep(100);
      }
    },

    readFile(name) {
      return readFileSync(path.join(workspace, name), 'utf8');
    },

    async visibleText() {
      const lines = await editor.locator('.view-lines .view-line').evaluateAll((els: Array<{ style: { top: string }; textContent: string | null }>) =>
        els.map((el) => ({ top: parseFloat(el.style.top) || 0, text: el.textContent ?? '' })),
      );
      return lines.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' ')).join('\n');
    },

    problems,

    async waitForProblems(expected, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const p = await problems();
        if (p.errors === expected.errors && (expected.warnings === undefined || p.warnings === expected.warnings)) return p;
        if (Date.now() > deadline) throw new Error(`Problems showed ${JSON.stringify(p)}, expected ${JSON.stringify(expected)}`);
        await sleep(200);
      }
    },

    async squiggles(severity = 'error') {
      return editor.locator(`.squiggly-${severity}`).count();
    },

    async completionLabels(o = {}) {
      await page.keyboard.press('Control+Space');
      const rows = page.locator('.suggest-widget.visible .monaco-list-row');
      await rows.first().waitFor({ timeout: o.timeoutMs ?? 15_000 });
      // Wait for the list to settle (the first answer may be followed by a refined one).
      let last = '';
      for (let i = 0; i < 20; i++) {
        const now = (await rows.locator('.label-name').allTextContents()).join('\n');
        if (now === last && now !== '') break;
        last = now;
        await sleep(150);
      }
      return vscode.completionLabelsShown();
    },

    async completionLabelsShown() {
      const labels = await page.locator('.suggest-widget.visible .monaco-list-row .label-name').allTextContents();
      return labels.map((s) => s.replace(/\u00a0/g, ' ').trim());
    },

    async toasts() {
      return page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
    },

    async notificationCenter() {
      const center = page.locator('.notifications-center');
      if (!(await center.isVisible())) await page.locator('[id="status.notifications"]').first().click();
      await center.waitFor({ state: 'visible', timeout: 5000 }).catch(() => undefined);
      await center.locator('.notification-list-item-message').first().waitFor({ timeout: 2000 }).catch(() => undefined);
      return page.locator('.notifications-center .notification-list-item-message').allTextContents();
    },

    async screenshot(name) {
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },

    openPanel: async (o = {}) => {
      const timeout = o.timeoutMs ?? 60_000;
      const icon = page.locator(PANEL_ICON).first();
      await icon.waitFor({ timeout });
      // A click on the icon of the container already shown would hide the side bar.
      const shown = (await page.locator(PANEL_ICON_CHECKED).count()) > 0 && (await page.locator(PANEL_FRAME).count()) > 0;
      if (!shown) await icon.click();
      const frame = vscode.panelFrame();
      await frame.locator('#root.cl-root').waitFor({ timeout });
      return frame;
    },

    panelFrame() {
      return page.frameLocator(PANEL_FRAME).first().frameLocator('#active-frame');
    },

    async waitForDialog(timeoutMs = 30_000) {
      const box = page.locator('.monaco-dialog-box');
      await box.waitFor({ state: 'visible', timeout: timeoutMs });
      const text = async (sel: string): Promise<string> => ((await box.locator(sel).allInnerTexts()).join('\n')).replace(/\u00a0/g, ' ').trim();
      const buttons = (await box.locator('.dialog-buttons .monaco-button').allTextContents()).map((b) => b.trim()).filter(Boolean);
      return { message: await text('.dialog-message-text'), detail: await text('.dialog-message-detail'), buttons };
    },

    async clickDialogButton(text, timeoutMs = 30_000) {
      const box = page.locator('.monaco-dialog-box');
      await box.waitFor({ state: 'visible', timeout: timeoutMs });
      const re = typeof text === 'string' ? new RegExp(`^\\s*${escapeRegExp(text)}\\s*$`) : text;
      await box.locator('.dialog-buttons .monaco-button').filter({ hasText: re }).first().click();
      await box.waitFor({ state: 'detached', timeout: timeoutMs });
    },

    async activeTabLabel() {
      const tab = page.locator('.editor-group-container.active .tab.active').first();
      await tab.waitFor();
      return ((await tab.getAttribute('aria-label')) ?? (await tab.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
    },

    async setSideBarWidth(width) {
      const sidebar = page.locator('.part.sidebar').first();
      await sidebar.waitFor({ state: 'visible' });
      const box = (await sidebar.boundingBox())!;
      const workbench = (await page.locator('.monaco-workbench').first().boundingBox())!;
      // The sash is on the side bar's edge towards the editor.
      const onRight = box.x + box.width / 2 > workbench.x + workbench.width / 2;
      const edge = onRight ? box.x : box.x + box.width;
      const target = onRight ? box.x + box.width - width : box.x + width;
      const y = box.y + box.height / 2;
      await page.mouse.move(edge, y);
      await page.mouse.down();
      await page.mouse.move((edge + target) / 2, y, { steps: 5 });
      await page.mouse.move(target, y, { steps: 5 });
      await page.mouse.up();
      const deadline = Date.now() + 5000;
      while (Math.abs(((await sidebar.boundingBox())?.width ?? 0) - width) > 8 && Date.now() < deadline) await sleep(100);
    },

    stop,
  };
  return vscode;
}

/** The Canary Lens activity-bar icon, and the iframe of its panel's webview (a webview view of this extension). */
const PANEL_ICON = '.activitybar li.action-item[aria-label^="Canary Lens"], .activitybar li.action-item:has(> a[aria-label^="Canary Lens"])';
const PANEL_ICON_CHECKED = '.activitybar li.action-item.checked[aria-label^="Canary Lens"], .activitybar li.action-item.checked:has(> a[aria-label^="Canary Lens"])';
const PANEL_FRAME = 'iframe.webview[src*="purpose=webviewView"]';

/**
 * In the page: resolves once nothing in or around the active editor's code lenses has changed for quietMs (or after
 * timeoutMs at the latest).
 */
const LENSES_SETTLED = `function (quietMs, timeoutMs) {
  return new Promise(function (resolve) {
    var LENS = '.codelens-decoration';
    var root = document.querySelector('.editor-group-container.active .monaco-editor');
    function inLens(n) { var el = n.nodeType === 1 ? n : n.parentElement; return !!(el && el.closest(LENS)); }
    function hasLens(n) { return n.nodeType === 1 && !!(n.closest(LENS) || n.querySelector(LENS)); }
    function isLens(r) {
      return inLens(r.target) || Array.prototype.some.call(r.addedNodes, hasLens) || Array.prototype.some.call(r.removedNodes, hasLens);
    }
    var timer, cap;
    var observer = new MutationObserver(function (records) {
      if (records.some(isLens)) { clearTimeout(timer); timer = setTimeout(done, quietMs); }
    });
    function done() { observer.disconnect(); clearTimeout(timer); clearTimeout(cap); resolve(); }
    if (root) observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    timer = setTimeout(done, quietMs);
    cap = setTimeout(done, timeoutMs);
  });
}`;

/**
 * In the page: the active editor's lens links whose right edge passes what the user can reach (the text area's right
 * edge, or the minimap's left edge when it is shown). The lenses are in the scrolled lines' layer, which the text area
 * clips: a lens past its edge is drawn cut or not at all.
 */
const LENSES_CUT = `function () {
  var root = document.querySelector('.editor-group-container.active .monaco-editor');
  if (!root) return [{ text: '(no active editor)', overflowPx: 0 }];
  var area = root.querySelector('.overflow-guard') || root;
  var right = area.getBoundingClientRect().right;
  var minimap = root.querySelector('.minimap');
  if (minimap) { var m = minimap.getBoundingClientRect(); if (m.width > 0 && m.left < right) right = m.left; }
  var out = [];
  root.querySelectorAll('.codelens-decoration > a').forEach(function (a) {
    var r = a.getBoundingClientRect();
    var text = (a.textContent || '').replace(/\u00a0/g, ' ').trim();
    if (text && (r.right > right + 0.5 || r.width === 0)) out.push({ text: text, overflowPx: Math.round(r.right - right) });
  });
  return out;
}`;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Runs one step of an end-to-end test; on failure keeps two screenshots (`<prefix>failed-<name>` and its
 * notifications) and adds the notifications' texts to the error, so a CI log says what VS Code showed.
 */
export async function step(vs: VSCode | undefined, prefix: string, name: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    await vs?.screenshot(`${prefix}failed-${name}`).catch(() => undefined);
    const notes = await vs?.notificationCenter().catch(() => []);
    await vs?.screenshot(`${prefix}failed-${name}-notifications`).catch(() => undefined);
    if (notes && notes.length > 0 && e instanceof Error) e.message += `\nnotifications: ${JSON.stringify(notes)}`;
    throw e;
  }
}
