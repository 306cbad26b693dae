// The panel's HTML, vscode-free so tests can check its Content Security Policy.

import { L10N_ELEMENT_ID } from '../../common/panelL10n';

/**
 * The webview's strings: the extension's own l10n bundle for the display
 * language (vscode.l10n.bundle, undefined for English), handed to the
 * webview's @vscode/l10n at panel creation (webview/l10nSetup.ts reads it).
 */
export interface PanelL10n {
  language: string;
  bundle: Record<string, string> | undefined;
}


/** JSON that is safe inside a <script> data block: no `<` (so no `</script>`), no U+2028/2029. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function buildHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; l10n?: PanelL10n }): string {
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource}`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    `script-src 'nonce-${o.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(o.l10n?.language ?? '') ? o.l10n?.language : 'en'}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.styleUri}">
<title>MemMap Lab</title>
</head>
<body>
<div id="app" aria-live="polite"></div>
<script type="application/json" id="${L10N_ELEMENT_ID}">${jsonForScript(o.l10n?.bundle ?? {})}</script>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}
