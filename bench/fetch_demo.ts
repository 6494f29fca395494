// The floor: the same request with bare fetch, no SDK.
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
      messages: [
        { role: "system", content: "You are a helpful assistant." },
        {
          role: "user",
          content: "how does a court case get to the Supreme Court?",
        },
      ],
    }),
  },
);
console.log((await response.json()).choices[0].message.content);
