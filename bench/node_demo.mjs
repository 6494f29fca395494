// The peer: the same bare SDK demo on Node.js. BENCH_OPENAI_SDK is the path of
// the openai package's index.mjs (the bench uses the copy in Deno's npm cache).
const { default: OpenAI } = await import(process.env.BENCH_OPENAI_SDK);

const client = new OpenAI();
const response = await client.chat.completions.create({
  model: "gpt-4o",
  messages: [
    { role: "system", content: "You are a helpful assistant." },
    {
      role: "user",
      content: "how does a court case get to the Supreme Court?",
    },
  ],
});
console.log(response.choices[0].message.content);
