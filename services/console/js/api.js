// The console's one way out: GraphQL requests to the gateway that served it.

import { t } from "./i18n.js";
import { token } from "./session.js";

const ENDPOINT = new URL("/graphql", window.location.origin).href;

export class ApiError extends Error {
  constructor(message, code, field) {
    super(message);
    this.code = code ?? "ERROR";
    this.field = field ?? null;
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
    return new ApiError(error.message, error.extensions?.code, field);
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
