/**
 * `GET /v1/models`: what a request's `model` may name, in OpenAI's list
 * shape: the run's default model first, then the config file's aliases,
 * `role:NAME` for each role, and `provider:model` for each provider whose
 * key is set (or that needs none) and that names a model.
 *
 * @module
 */
import type { Options } from "../cli/options.ts";
import { readable } from "../config/connection.ts";
import { type Settings, startOf } from "../config/plan.ts";
import { PROVIDERS } from "../config/providers.ts";
import { ROLE_PREFIX } from "./targets.ts";

/** The path this module answers. */
export const MODELS_PATH = "/v1/models";

/** One model of the list, as OpenAI's API gives one. */
export interface ListedModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/**
 * The list `GET /v1/models` answers, each id once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptions } from "../cli/options.ts";
 * import { settingsOf } from "../config/plan.ts";
 * import { modelList } from "./models.ts";
 * const settings = settingsOf(() => undefined, {
 *   path: "config.toml", providers: [], mcp: [], aliases: { fast: ["g4f:"] },
 *   roles: [{ name: "lawyer", system: "You are a careful lawyer." }],
 * });
 * const ids = modelList(parseOptions(["--serve"]), settings).data.map(({ id }) => id);
 * assert.deepEqual(ids.slice(0, 5), ["gpt-4o", "fast", "role:lawyer", "g4f:gpt-4o", "ollama:llama3.2"]);
 * ```
 */
export function modelList(
  options: Options,
  settings: Settings,
): { object: "list"; data: ListedModel[] } {
  const { file, read } = settings;
  const usable = [...PROVIDERS, ...settings.providers].filter((provider) =>
    provider.defaultModel !== "" &&
    (provider.keyVariable === undefined ||
      Boolean(readable(read, provider.keyVariable)?.trim()))
  );
  const ids = [
    startOf(options, settings, undefined).model,
    ...Object.keys(file?.aliases ?? {}),
    ...(file?.roles ?? []).map((role) => `${ROLE_PREFIX}${role.name}`),
    ...usable.map((provider) => `${provider.name}:${provider.defaultModel}`),
  ];
  return {
    object: "list",
    data: [...new Set(ids)].map((id) => ({
      id,
      object: "model",
      created: 0,
      owned_by: "gpt4o",
    })),
  };
}
