/**
 * Which API a server and a model are asked through, as earlier runs found
 * out, kept in the history's `api_choices` table: a model that answered it
 * is served only through the Responses API (`responses` for that endpoint
 * and model), or a server that has no Responses API (`chat` for the
 * endpoint, model `""`). An endpoint is a base URL without credentials or
 * query (`127.0.0.1:1337/v1`); no key, header or prompt is kept here. What
 * was found is trusted for {@linkcode REMEMBERED_DAYS} days, then tried
 * afresh: a server may change.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** The API a request goes through. */
export type RememberedApi = "chat" | "responses";

/** How long a choice found is trusted, in days. */
export const REMEMBERED_DAYS = 30;

/** What is remembered of an endpoint and a model. */
export interface Remembered {
  /** `responses`: the model is served only through the Responses API. */
  model?: RememberedApi;
  /** `chat`: the server has no Responses API. */
  server?: RememberedApi;
}

/**
 * What earlier runs found of `model` at `endpoint`, as of `now`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DatabaseSync } from "node:sqlite";
 * import { API_CHOICES, remembered, remember } from "./api_memory.ts";
 * const db = new DatabaseSync(":memory:");
 * db.exec(API_CHOICES);
 * const now = new Date("2026-05-01T12:00:00Z");
 * remember(db, "api.openai.com/v1", "o1-pro", "responses", now);
 * assert.deepEqual(remembered(db, "api.openai.com/v1", "o1-pro", now), { model: "responses" });
 * assert.deepEqual(remembered(db, "api.openai.com/v1", "gpt-4o", now), {});
 * const later = new Date("2026-06-15T12:00:00Z");
 * assert.deepEqual(remembered(db, "api.openai.com/v1", "o1-pro", later), {});
 * ```
 */
export function remembered(
  db: DatabaseSync,
  endpoint: string,
  model: string,
  now: Date,
): Remembered {
  const since = new Date(now.getTime() - REMEMBERED_DAYS * 86_400_000);
  const rows = db.prepare(
    `SELECT model, api FROM api_choices
    WHERE endpoint = ? AND model IN (?, '') AND decided >= ?`,
  ).all(endpoint, model, since.toISOString()) as {
    model: string;
    api: string;
  }[];
  const found: Remembered = {};
  for (const row of rows) {
    if (row.api !== "chat" && row.api !== "responses") continue;
    if (row.model === "") found.server = row.api;
    else found.model = row.api;
  }
  return found;
}

/**
 * Keeps what a run found: `responses` for `model` (and the server has a
 * Responses API after all), or `chat` for the whole `endpoint` (model
 * `""`: and no model there is served only through Responses).
 */
export function remember(
  db: DatabaseSync,
  endpoint: string,
  model: string,
  api: RememberedApi,
  now: Date,
): void {
  db.prepare(
    `INSERT INTO api_choices (endpoint, model, api, decided) VALUES (?, ?, ?, ?)
    ON CONFLICT (endpoint, model) DO UPDATE SET api = excluded.api,
      decided = excluded.decided`,
  ).run(endpoint, model, api, now.toISOString());
  // What contradicts it is no longer so.
  db.prepare(
    model === ""
      ? "DELETE FROM api_choices WHERE endpoint = ? AND model <> ''"
      : "DELETE FROM api_choices WHERE endpoint = ? AND model = ''",
  ).run(endpoint);
}

/** The table, as migration 5 creates it. */
export const API_CHOICES = `CREATE TABLE api_choices (
    endpoint TEXT NOT NULL,
    model TEXT NOT NULL,
    api TEXT NOT NULL,
    decided TEXT NOT NULL,
    PRIMARY KEY (endpoint, model)
  ) WITHOUT ROWID;`;
