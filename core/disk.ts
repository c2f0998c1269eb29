/** What a shortage of disk space means for runs, in words for the dashboard. */

/** Why new runs wait, or null when there is space. */
export function diskShortage(freeMb: number, minFreeMb: number, dir: string): string | null {
  if (freeMb >= minFreeMb) return null;
  return `disk almost full: ${freeMb} MB free in ${dir}, where logs and the database are kept; new runs wait until ${minFreeMb} MB are free (OVERSEER_MIN_FREE_DISK_MB)`;
}

/** Added to the reason of a run that failed while the disk was this full. */
export function diskFullCause(freeMb: number, minFreeMb: number, dir: string): string | null {
  return freeMb < minFreeMb ? `the disk holding ${dir} was almost full (${freeMb} MB free), the likely cause` : null;
}
