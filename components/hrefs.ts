/** Links between views that more than one view builds. */
export const compareHref = (ids: readonly number[]) => `/compare?ids=${ids.join(",")}`;
