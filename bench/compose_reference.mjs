// Composes subgraphs (a JSON list of {name, url, sdl}) with @apollo/composition, a standard
// composer: the reference the gateway's own composition is held to (bench/reference_supergraph.py).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.cwd(), "node_modules", "x.js"));
const { parse } = require("graphql");
const { composeServices } = require("@apollo/composition");

const subgraphs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const result = composeServices(
  subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })),
);
if (result.errors) {
  console.error(result.errors.map((e) => e.message).join("\n"));
  process.exit(1);
}
process.stdout.write(result.supergraphSdl);
