/** Where Overseer's own files are, found from this file, so the CLI works from any directory. */
import path from "node:path";

export const OVERSEER_ROOT = path.resolve(__dirname, "..");
export const MIGRATIONS_FOLDER = path.join(OVERSEER_ROOT, "db", "migrations");
export const EXAMPLE_WORKSPACE = path.join(OVERSEER_ROOT, "examples", "tiny-lm");
