import * as vscode from 'vscode';
import type { ClusterError, SessionState, WatchState } from '../cluster';

/** The status bar item: context/namespace and the cluster state; click → choose context, then namespace. */

const ICONS: Record<WatchState | 'config', string> = {
  connecting: '$(sync~spin)',
  ready: '$(cloud)',
  'crd-missing': '$(warning)',
  forbidden: '$(circle-slash)',
  unreachable: '$(debug-disconnect)',
  unauthorized: '$(lock)',
  error: '$(error)',
  config: '$(cloud)',
};

const STATE_WORDS: Record<WatchState, string> = {
  connecting: 'connecting',
  ready: 'connected',
  'crd-missing': 'CRD missing',
  forbidden: 'forbidden',
  unreachable: 'unreachable',
  unauthorized: 'unauthorized',
  error: 'error',
};

/** Text from the cluster goes into a Markdown tooltip: escape what could make markup or links of it. */
function escapeMd(text: string): string {
  return text.replace(/[\\`*_[\]<>#|~!]/g, (c) => `\\${c}`);
}

export class ClusterStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly safe: (text: string) => string) {
    this.item = vscode.window.createStatusBarItem('canaryLens.cluster', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Canary Lens Cluster';
    this.item.command = 'canaryLens.selectContext';
    this.item.text = `${ICONS.connecting} Canary Lens`;
    this.item.show();
  }

  showSession(context: string, s: SessionState): void {
    const bad = s.state !== 'ready' && s.state !== 'connecting';
    this.item.text = `${ICONS[s.state]} ${context}/${s.namespace}${s.state === 'ready' ? '' : ` · ${STATE_WORDS[s.state]}`}`;
    this.item.backgroundColor = s.state === 'unauthorized' || s.state === 'unreachable' || s.state === 'forbidden'
      ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Canary Lens cluster** — context \`${escapeMd(context)}\`, namespace \`${escapeMd(s.namespace)}\`${s.server ? ` (${escapeMd(this.safe(s.server))})` : ''}\n\n`);
    md.appendMarkdown(`${ICONS[s.state]} ${escapeMd(this.safe(s.message))}${bad && s.nextStep ? ` — ${escapeMd(this.safe(s.nextStep))}` : ''}\n\n`);
    for (const k of Object.values(s.kinds)) {
      if (!k) continue;
      md.appendMarkdown(`- ${ICONS[k.state]} ${escapeMd(k.label)}${k.version ? ` (${escapeMd(k.version)})` : ''}: ${escapeMd(this.safe(k.message))}\n`);
    }
    md.appendMarkdown('\nClick to choose the context and namespace.');
    this.item.tooltip = md;
  }

  showConfigError(e: ClusterError): void {
    this.item.text = `${ICONS.config} No cluster`;
    this.item.backgroundColor = undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**Canary Lens cluster**\n\n${escapeMd(this.safe(e.message))}${e.nextStep ? `\n\n${escapeMd(this.safe(e.nextStep))}` : ''}\n\nClick to choose a context.`);
    this.item.tooltip = md;
  }

  dispose(): void {
    this.item.dispose();
  }
}
