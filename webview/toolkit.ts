// The only module that knows about @vscode/webview-ui-toolkit. The rest of
// the webview builds controls through these functions, so the toolkit (whose
// repository is archived) can be swapped for another without touching them.

import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown,
  vsCodeOption, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(
  vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption(), vsCodeTextField(),
);

export interface Control<T> {
  element: HTMLElement;
  get(): T;
  set(value: T): void;
  setDisabled(disabled: boolean): void;
  onChange(listener: () => void): void;
}

export function button(id: string, label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'secondary'): HTMLElement {
  const b = document.createElement('vscode-button');
  b.id = id;
  b.textContent = label;
  b.setAttribute('appearance', appearance);
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function setButtonDisabled(b: HTMLElement, disabled: boolean): void {
  b.toggleAttribute('disabled', disabled);
}

export function textField(id: string, label: string, value: string): Control<string> {
  const f = document.createElement('vscode-text-field') as HTMLElement & { value: string };
  f.id = id;
  f.textContent = label;
  f.setAttribute('value', value);
  f.value = value;
  return {
    element: f,
    get: () => f.value,
    set: (v) => {
      f.value = v;
    },
    setDisabled: (d) => f.toggleAttribute('disabled', d),
    onChange: (l) => f.addEventListener('input', l),
  };
}

export function dropdown(id: string, label: string, options: readonly { value: string; label: string; title?: string }[], value: string): Control<string> {
  const wrap = document.createElement('div');
  wrap.className = 'field';
  const lab = document.createElement('label');
  lab.htmlFor = id;
  lab.textContent = label;
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.id = id;
  for (const o of options) {
    const opt = document.createElement('vscode-option') as HTMLElement & { value: string };
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.title) opt.title = o.title;
    if (o.value === value) opt.setAttribute('selected', '');
    d.appendChild(opt);
  }
  wrap.append(lab, d);
  return {
    element: wrap,
    get: () => d.value ?? value,
    set: (v) => {
      d.value = v;
    },
    setDisabled: (dis) => d.toggleAttribute('disabled', dis),
    onChange: (l) => d.addEventListener('change', l),
  };
}

export function checkbox(id: string, label: string, checked: boolean): Control<boolean> {
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.id = id;
  c.textContent = label;
  if (checked) c.setAttribute('checked', '');
  return {
    element: c,
    get: () => !!c.checked,
    set: (v) => {
      c.checked = v;
    },
    setDisabled: (d) => c.toggleAttribute('disabled', d),
    onChange: (l) => c.addEventListener('change', l),
  };
}

export function divider(): HTMLElement {
  return document.createElement('vscode-divider');
}
