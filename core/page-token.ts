/**
 * How the dashboard's pages hold the access token: a first visit's `?token=` comes back from the proxy in the
 * URL's fragment (never sent to a server), the page keeps it in its origin's localStorage (kept apart by port,
 * unlike cookies) and sends it with every tRPC request in this header. Shared by proxy.ts and app/providers.
 */
export const PAGE_TOKEN_HEADER = "x-overseer-token";
export const TOKEN_FRAGMENT = "overseer-token";
export const TOKEN_STORAGE_KEY = "overseer-token";

/** Keeps the token a first visit's URL brought in its fragment in localStorage (before the page's first request). */
export function adoptPageToken(): void {
  if (typeof window === "undefined") return;
  const m = new RegExp(`(?:^#|&)${TOKEN_FRAGMENT}=([A-Za-z0-9_-]+)`).exec(window.location.hash);
  if (m) window.localStorage.setItem(TOKEN_STORAGE_KEY, m[1]!);
}

/**
 * Takes the token out of the address bar and the history entry. Called after the page's effects have run: Next's
 * router writes the URL it was loaded with back into the history entry when it starts.
 */
export function clearTokenFromAddressBar(): void {
  if (!window.location.hash.includes(`${TOKEN_FRAGMENT}=`)) return;
  window.history.replaceState(window.history.state, "", `${window.location.pathname}${window.location.search}`);
}
