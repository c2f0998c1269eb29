/** `overseer token --reset`: a new access token for the dashboard (it needs one for every change); the old one stops working. */
import { parseArgs } from "./args";
import type { Settings } from "../../core/settings";
import { resetAccessToken } from "../access-token";
import { dashboardUrl } from "./start";

export function tokenCommand(args: string[], settings: Settings): number {
  const { values } = parseArgs({ args, options: { reset: { type: "boolean", default: false } }, strict: true });
  if (!values.reset) {
    console.error(
      "overseer token: the token is stored only hashed and cannot be shown again; `overseer token --reset` makes a new one (on this machine, `overseer start` also makes one at every start).",
    );
    return 2;
  }
  const token = resetAccessToken(settings.accessTokenFile);
  console.log(`overseer: new access token; the old one no longer works. Open ${dashboardUrl(settings)}/?token=${token}`);
  return 0;
}
