// The webviews' HTML, vscode-free so tests can check its Content Security Policy.

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

export function buildHtml(o: { cspSource: string; nonce: string; scriptUri: string; styleUri: string; title?: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp(o.cspSource, o.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${o.styleUri}">
<title>${escapeHtml(o.title ?? 'MemMap Lab')}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}

/** One message and nothing else (no script): a recording that cannot be shown says why. */
export function buildMessageHtml(o: { cspSource: string; styleUri: string; title: string; message: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
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
