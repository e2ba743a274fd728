// Small helpers to build DOM and SVG without a framework.

const SVG = 'http://www.w3.org/2000/svg';

/**
 * An HTML element: el('p', {className: 'muted'}, 'text', child). Keys of props are element
 * properties, except dataset (copied into data-*) and on* functions (event listeners).
 */
export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (key === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), value);
    } else {
      element[key] = value;
    }
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

/** An SVG element; attributes are set as attributes (SVG has few writable properties). */
export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) {
      element.setAttribute(key, String(value));
    }
  }
  element.append(...children.filter((c) => c !== null && c !== undefined));
  return element;
}

/** Shows a message in an error box, or hides the box for null. */
export function showMessage(element, message) {
  element.textContent = message ?? '';
  element.hidden = !message;
}
