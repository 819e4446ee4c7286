/**
 * The element marked `data-testid="<id>"` inside `root`. Test ids double as the page's stable hooks,
 * so a missing one is a markup bug: fail loudly at start-up instead of later on a click.
 */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string, root: ParentNode = document): T {
  const el = root.querySelector<T>(`[data-testid="${id}"]`);
  if (!el) throw new Error(`demo markup is missing [data-testid="${id}"]`);
  return el;
}

/** Creates an element with text and attributes (no innerHTML: keys and values are user data). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  if (text !== undefined) el.textContent = text;
  return el;
}
