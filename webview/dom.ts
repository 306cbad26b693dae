// What every webview entry (the panel, the recording editor, the comparison)
// starts with: the VS Code API, typed by the messages the view sends, and a
// small element builder.

/** The webview's side of VS Code: messages to the extension, and the state kept across a hide/reload. */
export interface VsCodeApi<ToExtension> {
  postMessage(message: ToExtension): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi<unknown>;

/** The API (VS Code hands it out once per page: call this once, in the entry). */
export function vsCodeApi<ToExtension>(): VsCodeApi<ToExtension> {
  return acquireVsCodeApi() as VsCodeApi<ToExtension>;
}

/** An element with an id, class, text and tooltip, and its children. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { id?: string; className?: string; text?: string; title?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.id) e.id = props.id;
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  if (props.title !== undefined) e.title = props.title;
  e.append(...children);
  return e;
}
