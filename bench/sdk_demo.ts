// The bare SDK demo: what a user writes first, with no flags, .env or checks.
import OpenAI from "openai";

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
