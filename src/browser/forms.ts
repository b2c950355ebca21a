import type { LinkContext } from './options';

/**
 * Adds hidden inputs with the click id and the kept params to a form marked `data-clicktrail`. A field of the
 * same name already in the form (ours from an earlier pass, or the page's own) is never duplicated or changed.
 */
export const fillForm = (f: HTMLFormElement, c: LinkContext): void => {
  for (const [name, value] of [[c.param, c.id], ...Object.entries(c.params)] as [string, string][]) {
    if (value && !f.elements.namedItem(name)) {
      f.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
    }
  }
};
