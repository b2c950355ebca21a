import type { LinkContext } from './options';

/**
 * Adds hidden inputs with the click id and the kept params to a form marked `data-clicktrail`. A field of the
 * same name already in the form (ours from an earlier pass, or the page's own) is never duplicated or changed.
 */
export const fillForm = (f: HTMLFormElement, id: string, c: LinkContext): void => {
  for (const [name, value] of [[c._p, id], ...Object.entries(c._d!.kept)] as string[][]) {
    if (value && !f.elements.namedItem(name!)) {
      f.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
    }
  }
};
