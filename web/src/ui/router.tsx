// A small history router: real paths (`/tickets/ID`), so links can be opened in a new tab and
// shared; the console server answers every page path with index.html.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const CHANGE = 'ringdesk:navigate';

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  dispatchEvent(new Event(CHANGE));
}

/** The path and the query (`?customer=…`): a page's filters can be linked to. */
export function useLocation(): { path: string; search: string } {
  const [where, setWhere] = useState(() => ({ path: location.pathname, search: location.search }));
  useEffect(() => {
    const sync = () => setWhere((w) => (w.path === location.pathname && w.search === location.search ? w : { path: location.pathname, search: location.search }));
    addEventListener('popstate', sync);
    addEventListener(CHANGE, sync);
    return () => {
      removeEventListener('popstate', sync);
      removeEventListener(CHANGE, sync);
    };
  }, []);
  return where;
}

export function usePath(): string {
  return useLocation().path;
}

/** An ordinary link that navigates in place; modified clicks (new tab, new window) stay the browser's. */
export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' | undefined }) {
  const onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} class={props.class} aria-current={props['aria-current']} onClick={onClick}>
      {props.children}
    </a>
  );
}
