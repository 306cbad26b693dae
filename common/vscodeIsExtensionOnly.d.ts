// What `import ... from 'vscode'` finds in every layer but extension/ (the
// "paths" of common/, runner/ and webview/ tsconfig.json point here; without
// them the compiler would find node_modules/@types/vscode): a module with
// nothing in it, so any use of the vscode API there is a compile error.
export declare const vscodeApiIsForTheExtensionLayerOnly: unique symbol;
