// The streaming floor: bare fetch, split on blank lines, JSON.parse each event.
const response = await fetch(
  `${Deno.env.get("OPENAI_BASE_URL")}/chat/completions`,
  {
    method: "POST",
    headers: {
      "authorization": `Bearer ${Deno.env.get("OPENAI_API_KEY")}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      model: "gpt-4o",
      messages: [{
        role: "user",
        content: "how does a court case get to the Supreme Court?",
      }],
      stream: true,
    }),
  },
);
const encoder = new TextEncoder();
let buffer = "";
for await (const text of response.body!.pipeThrough(new TextDecoderStream())) {
  buffer += text;
  const events = buffer.split("\n\n");
  buffer = events.pop()!;
  let out = "";
  for (const event of events) {
    if (!event.startsWith("data: ") || event === "data: [DONE]") continue;
    out += JSON.parse(event.slice(6)).choices[0]?.delta?.content ?? "";
  }
  if (out) Deno.stdout.writeSync(encoder.encode(out));
}
console.log();
