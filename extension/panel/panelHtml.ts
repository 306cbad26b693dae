// The webviews' HTML, vscode-free so tests can check its Content Security Policy.

import { L10N_ELEMENT_ID } from '../../common/panelL10n';

/**
 * The webview's strings: the extension's own l10n bundle for the display
 * language (vscode.l10n.bundle, undefined for English), handed to the
 * webview's @vscode/l10n at creation (webview/l10nSetup.ts reads it).
 */
export interface PanelL10n {
  language: string;
  bundle: Record<string, string> | undefined;
}

/** JSON that is safe inside a <script> data block: no `<` (so no `</script>`), no U+2028/2029. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The html lang attribute: the display language when it is a language tag, else en. */
function htmlLang(language: string | undefined): string {
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language ?? '') ? (language as string) : 'en';
}

function csp(cspSource: string, nonce?: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    // A page without a script (a message) allows none.
    nonce ? `script-src 'nonce-${nonce}'` : "script-src 'none'",
  ].join('; ');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function buildHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; title?: string; l10n?: PanelL10n }): string {
  return `<!DOCTYPE html>
<html lang="${htmlLang(o.l10n?.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(o.cspSource, o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.styleUri}">
<title>${escapeHtml(o.title ?? 'MemMap Lab')}</title>
</head>
<body>
<div id="app"></div>
<script type="application/json" id="${L10N_ELEMENT_ID}">${jsonForScript(o.l10n?.bundle ?? {})}</script>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}

/** One message and nothing else (no script): a recording that cannot be shown says why. */
export function buildMessageHtml(o: { cspSource: string; styleUri: string; title: string; message: string; language?: string }): string {
  return `<!DOCTYPE html>
<html lang="${htmlLang(o.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(o.cspSource)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.styleUri}">
<title>${escapeHtml(o.title)}</title>
</head>
<body>
<h1>${escapeHtml(o.title)}</h1>
<p id="recording-error" class="error" role="alert">${escapeHtml(o.message)}</p>
</body>
</html>`;
}
