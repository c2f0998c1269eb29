/** Whether a key press belongs to what the user is typing in (a field, Monaco), not to a page shortcut. */
export function isTyping(ev: KeyboardEvent): boolean {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return true;
  const el = ev.target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || !!el.closest?.(".monaco-editor"));
}
