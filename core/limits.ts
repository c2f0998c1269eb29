/** How many experiments one view or export takes: the web, the API and the CLI check the same numbers. */

/** Columns of the compare view: more curves and columns than this are unreadable (and there are 8 colours). */
export const MAX_COMPARED = 8;

/** Experiments in one selection export: more makes a patch series no one reviews; a session exports whole from its page. */
export const MAX_SELECTED = 200;
