import type { ClickData } from '../core/click';

/**
 * Gives a form marked `data-clicktrail` hidden inputs with the click id (named `idParam`) and the kept params, and
 * returns whether it added any. A field of the same name already in the form (ours from an earlier pass, or the
 * page's own) is never duplicated or changed.
 */
export const fillForm = (form: HTMLFormElement, click: ClickData, idParam: string): boolean => {
  let added = false;
  for (const [name, value] of [[idParam, click.id], ...Object.entries(click.kept)] as [string, string][]) {
    if (!form.elements.namedItem(name)) {
      form.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
      added = true;
    }
  }
  return added;
};
