/**
 * node:util's parseArgs, with mistakes turned into a UsageError that names the option and the closest known one:
 * bin/overseer prints it and exits 2, as for any other bad usage.
 */
import { parseArgs as nodeParseArgs, type ParseArgsConfig } from "node:util";
import { closestWord } from "../../core/did-you-mean";

export class UsageError extends Error {}

export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof nodeParseArgs<T>> {
  try {
    return nodeParseArgs(config);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS")) throw e;
    const given = /'(-{1,2}[^'\s]+)'/.exec((e as Error).message)?.[1] ?? null;
    const known = Object.keys(config.options ?? {});
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && given) {
      const near = closestWord(given.replace(/^-+/, "").replace(/=.*$/, ""), known);
      throw new UsageError(`unknown option ${given}${near ? `: did you mean --${near}?` : ""} (options: ${known.map((k) => `--${k}`).join(" ")})`);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError(`${(e as Error).message.split(". ")[0]}: this command takes options only (${known.map((k) => `--${k}`).join(" ")})`);
    throw new UsageError((e as Error).message.split(". To specify")[0]!);
  }
}
