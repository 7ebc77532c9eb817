/**
 * xterm.js styles under the console's Content-Security-Policy (`style-src 'self'`, no inline
 * styles). Its stylesheet and the rules it generates at run time (theme colours, cell sizes) are
 * applied as constructed stylesheets (`document.adoptedStyleSheets`), which the policy does not
 * cover, instead of `<style>` elements, which it blocks.
 */

/** The tag of the stand-ins for xterm's `<style>` elements: an unknown element, hidden, inert. */
const STAND_IN = 'tomo-xterm-style';

function adopt(doc: Document, sheet: CSSStyleSheet): void {
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}

function drop(doc: Document, sheet: CSSStyleSheet): void {
  doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((s) => s !== sheet);
}

const adoptedOnce = new WeakMap<Document, Set<string>>();

/** Adds a fixed stylesheet to the document once (by `key`) for the page's life. */
export function adoptStylesOnce(doc: Document, key: string, css: string): void {
  const keys = adoptedOnce.get(doc) ?? new Set<string>();
  adoptedOnce.set(doc, keys);
  if (keys.has(key)) return;
  keys.add(key);
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(`${css}\n${STAND_IN} { display: none !important; }`);
  adopt(doc, sheet);
}

/** A hidden element whose text, whenever xterm sets it, becomes an adopted stylesheet; removing it drops the sheet. */
function standIn(doc: Document, create: Document['createElement']): HTMLElement {
  const element = create.call(doc, STAND_IN);
  const sheet = new CSSStyleSheet();
  adopt(doc, sheet);
  const observer = new MutationObserver(() => sheet.replaceSync(element.textContent ?? ''));
  observer.observe(element, { childList: true, characterData: true, subtree: true });
  const remove = element.remove.bind(element);
  element.remove = () => {
    observer.disconnect();
    drop(doc, sheet);
    remove();
  };
  return element;
}

/**
 * Runs `build` (xterm's `open()`, which creates its `<style>` elements) with
 * `doc.createElement('style')` answering a stand-in instead; every other element is created as usual.
 */
export function withStandInStyles(doc: Document, build: () => void): void {
  const create = doc.createElement;
  const own = Object.prototype.hasOwnProperty.call(doc, 'createElement');
  doc.createElement = function createElement(this: Document, tag: string, options?: ElementCreationOptions) {
    if (String(tag).toLowerCase() === 'style') return standIn(doc, create);
    return create.call(doc, tag, options);
  } as Document['createElement'];
  try {
    build();
  } finally {
    if (own) doc.createElement = create;
    else delete (doc as { createElement?: unknown }).createElement;
  }
}
