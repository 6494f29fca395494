import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  API_CHOICES,
  remember,
  remembered,
  REMEMBERED_DAYS,
} from "./api_memory.ts";

const NOW = new Date("2026-05-01T12:00:00Z");
const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000);

function memory() {
  const db = new DatabaseSync(":memory:");
  db.exec(API_CHOICES);
  return db;
}

Deno.test("remember(): a server without Responses stands for all its models, and undoes a model's Responses", () => {
  const db = memory();
  remember(db, "http://a/v1", "o1-pro", "responses", NOW);
  remember(db, "http://b/v1", "o1-pro", "responses", NOW);
  assert.deepEqual(remembered(db, "http://a/v1", "o1-pro", NOW), {
    model: "responses",
  });
  remember(db, "http://a/v1", "", "chat", day(1));
  assert.deepEqual(remembered(db, "http://a/v1", "o1-pro", day(1)), {
    server: "chat",
  });
  assert.deepEqual(remembered(db, "http://a/v1", "gpt-4o", day(1)), {
    server: "chat",
  });
  // Another server is another matter.
  assert.deepEqual(remembered(db, "http://b/v1", "o1-pro", day(1)), {
    model: "responses",
  });
  // A model found served only through Responses: the server has it after all.
  remember(db, "http://a/v1", "o1-pro", "responses", day(2));
  assert.deepEqual(remembered(db, "http://a/v1", "gpt-4o", day(2)), {});
  assert.deepEqual(remembered(db, "http://a/v1", "o1-pro", day(2)), {
    model: "responses",
  });
});

Deno.test("remembered() trusts what was found for REMEMBERED_DAYS days, and ignores what it does not know", () => {
  const db = memory();
  remember(db, "http://a/v1", "", "chat", NOW);
  assert.deepEqual(
    remembered(db, "http://a/v1", "m", day(REMEMBERED_DAYS - 1)),
    { server: "chat" },
  );
  assert.deepEqual(
    remembered(db, "http://a/v1", "m", day(REMEMBERED_DAYS + 1)),
    {},
  );
  db.prepare("INSERT INTO api_choices VALUES (?, ?, ?, ?)").run(
    "http://c/v1",
    "m",
    "grpc",
    NOW.toISOString(),
  );
  assert.deepEqual(remembered(db, "http://c/v1", "m", NOW), {});
});
