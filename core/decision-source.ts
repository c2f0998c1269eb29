/**
 * Where a human's decision came from: the dashboard in a browser (its token cookie), a script with the token in a
 * header (curl, a notebook: "api"), or the CLI (which writes the database itself).
 */
export type DecisionSource = "browser" | "api" | "cli";

/** "from the browser", "through the API (a token in a header)", "from the CLI". */
export function describeSource(source: DecisionSource): string {
  return source === "cli" ? "from the CLI" : source === "api" ? "through the API (a token in a header)" : "from the browser";
}
