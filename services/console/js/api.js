// The console's one way out: GraphQL requests to the gateway that served it.

import { t } from "./i18n.js";
import { token } from "./session.js";

const ENDPOINT = new URL("/graphql", window.location.origin).href;

export class ApiError extends Error {
  constructor(message, code, field, problems = []) {
    super(message);
    this.code = code ?? "ERROR";
    this.field = field ?? null;
    this.problems = problems; // each invalid part of the input: { field, message }
  }
}

// The data, or an ApiError with the first error's code and field.
export async function graphql(query, variables = {}) {
  const { data, errors } = await partial(query, variables);
  if (errors.length) throw errors[0];
  return data;
}

// The data with whatever errors came alongside it, for pages that show what they may read.
export async function partial(query, variables = {}) {
  const headers = { "content-type": "application/json", accept: "application/json" };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(ENDPOINT, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new ApiError(t("api.unreachable"), "UNREACHABLE");
  }
  const body = await response.json().catch(() => null);
  if (!body) throw new ApiError(`The gateway answered ${response.status}.`, "UNAVAILABLE");
  const errors = (body.errors ?? []).map((error) => {
    const field = error.extensions?.field ?? (error.path ? error.path.join(".") : null);
    return new ApiError(error.message, error.extensions?.code, field, error.extensions?.problems ?? []);
  });
  if (!body.data && errors.length) throw errors[0];
  return { data: body.data ?? {}, errors };
}

// A document the gateway serves beside GraphQL (a results letter), as a Blob with the file
// name the server gave it; a refusal is an ApiError with its code.
export async function download(path) {
  const headers = {};
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  let response;
  try {
    response = await fetch(new URL(path, window.location.origin).href, { headers });
  } catch {
    throw new ApiError(t("api.unreachable"), "UNREACHABLE");
  }
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    const error = body?.errors?.[0];
    throw new ApiError(error?.message ?? `The gateway answered ${response.status}.`, error?.extensions?.code);
  }
  const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  return { blob: await response.blob(), name: named ? named[1] : "letter.pdf" };
}

// Every item of a listing read a page at a time: `read(after)` gives the page after the key
// `after` (null: the first), `keyOf` an item's key.
export async function everyPage(read, keyOf, size = 100) {
  const found = [];
  let after = null;
  for (;;) {
    const page = await read(after);
    found.push(...page);
    if (page.length < size) return found;
    after = keyOf(page[page.length - 1]);
  }
}

// `call()` again while its service has not yet learned, from the event stream, of what it
// names (a cycle opened a moment ago): NOT_FOUND for up to `seconds`.
export async function onceKnown(call, seconds = 15) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (error.code !== "NOT_FOUND" || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}
