// How the panel's strings reach the webview: the extension puts its l10n bundle
// (vscode.l10n.bundle) as JSON into a data block of the panel's HTML
// (extension/panelHtml.ts); webview/l10nSetup.ts hands it to @vscode/l10n.

/** The id of the `<script type="application/json">` block that carries the bundle. */
export const L10N_ELEMENT_ID = 'memmap-l10n';
