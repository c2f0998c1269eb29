/**
 * A model's capabilities from the Models API (GET /v1/models/{id}), asked once per process and model. Where
 * the API cannot be asked (a compatible server without it, a network failure) the answer is null and requests
 * leave thinking and effort to the model's defaults; a refused key is fatal here as on the Messages API.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { ApiFailure } from "../../core/claude/api-error";
import { capabilitiesFromModelInfo, type ModelCapabilities } from "../../core/claude/capabilities";
import { describe } from "./call";

const asked = new WeakMap<Anthropic, Map<string, Promise<ModelCapabilities | null | ApiFailure>>>();

export function modelCapabilities(client: Anthropic, model: string, signal?: AbortSignal): Promise<ModelCapabilities | null | ApiFailure> {
  let byModel = asked.get(client);
  if (!byModel) asked.set(client, (byModel = new Map()));
  let answer = byModel.get(model);
  if (!answer) {
    answer = client.models.retrieve(model, undefined, { signal, maxRetries: 1 }).then(
      (info) => capabilitiesFromModelInfo(info),
      (e: unknown) => {
        byModel!.delete(model); // ask again next time: it may have been the network
        if (e instanceof Anthropic.APIError && (e.status === 401 || e.status === 403)) return describe(e, model);
        // 404 here may be a server without the Models API as well as an unknown model: the Messages API will say which.
        return null;
      },
    );
    byModel.set(model, answer);
  }
  return answer;
}
