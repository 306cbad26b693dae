// The panel's strings: configures @vscode/l10n with the bundle the extension
// put into the page (common/panelL10n.ts). Imported first by main.ts, so that
// every module's l10n.t(...) sees the bundle, also at module level.
// No bundle (English, or a language without a translation): l10n.t returns the English text.

import * as l10n from '@vscode/l10n';
import { L10N_ELEMENT_ID } from '../common/panelL10n';

function readBundle(): Record<string, string> {
  const text = document.getElementById(L10N_ELEMENT_ID)?.textContent;
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    // Only string entries: anything else in the block is ignored.
    return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

l10n.config({ contents: readBundle() });
