// Following what changes: a GraphQL subscription over Server-Sent Events (the graphql-sse
// protocol's distinct connections), read with fetch so the bearer token goes with it.

import { token } from "./session.js";

const ENDPOINT = new URL("/graphql", window.location.origin).href;

// Each event's data to `next(data)`. When the stream cannot start, is refused or ends without
// being stopped, `failed(reason)` is told once, so the page can fall back to asking again.
// Gives `stop()`, after which nothing more is told.
export function follow(query, variables, { next, failed }) {
  const aborted = new AbortController();
  let over = false;
  const fail = (reason) => {
    if (over) return;
    over = true;
    failed(reason);
  };
  read(query, variables, aborted.signal, next)
    .then(() => fail("ended"))
    .catch((error) => fail(error?.name === "AbortError" ? "stopped" : String(error?.message)));
  return () => {
    over = true;
    aborted.abort();
  };
}

async function read(query, variables, signal, next) {
  const headers = { "content-type": "application/json", accept: "text/event-stream" };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
    signal,
  });
  if (!response.ok || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
    throw new Error(`refused: ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += value;
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const event = parse(buffered.slice(0, end));
      buffered = buffered.slice(end + 2);
      if (event.kind === "complete") return;
      if (event.kind === "next") {
        if (event.body.errors?.length) throw new Error(event.body.errors[0].extensions?.code ?? "ERROR");
        next(event.body.data);
      }
      end = buffered.indexOf("\n\n");
    }
  }
}

function parse(text) {
  let kind = "message";
  const data = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("event:")) kind = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  return { kind, body: kind === "next" && data.length ? JSON.parse(data.join("\n")) : null };
}
