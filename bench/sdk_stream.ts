// The bare SDK stream: the SDK's own SSE parsing, deltas gathered per 64 KiB.
import OpenAI from "openai";

const client = new OpenAI();
const stream = await client.chat.completions.create({
  model: "gpt-4o",
  messages: [{
    role: "user",
    content: "how does a court case get to the Supreme Court?",
  }],
  stream: true,
});
const encoder = new TextEncoder();
let pending = "";
for await (const chunk of stream) {
  pending += chunk.choices[0]?.delta?.content ?? "";
  if (pending.length >= 65536) {
    Deno.stdout.writeSync(encoder.encode(pending));
    pending = "";
  }
}
Deno.stdout.writeSync(encoder.encode(`${pending}\n`));
