// A real client of the API: types generated from the live /openapi.json (tmp/schema.d.ts)
// by openapi-typescript, requests made through openapi-fetch, compiled by tsc
// (tsconfig.client.json) and run with node against a live server by
// tests/e2e/test_typescript.py, which checks the JSON summary it prints.
//
// No casts and no type guards on JSON shapes: `data` of a JSON operation is its schema
// alone (the downloads are operations of their own), and `error` is the Problem schema.
// If the document typed a 200 as `Page | string` again, `data.total` would not compile.
import createClient from "openapi-fetch";
import type { components, paths } from "./tmp/schema.js";

declare const process: { argv: string[]; exitCode: number | undefined };

type Problem = components["schemas"]["Problem"];
type ModelQuery = NonNullable<paths["/v1/models"]["get"]["parameters"]["query"]>;
type Confidence = NonNullable<ModelQuery["confidence"]>;

export const client = createClient<paths>({ baseUrl: process.argv[2] ?? "http://127.0.0.1:8000" });

function fail(problem: Problem): never {
  throw new Error(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
}

function modelPage(confidence: Confidence, cursor: string | null) {
  const query: ModelQuery = {
    domain: ["Language"],
    min_parameters: 1e9,
    confidence,
    sort: "-parameters",
    limit: 25,
    ...(cursor === null ? {} : { cursor }),
  };
  return client.GET("/v1/models", { params: { query } });
}

export async function listEveryModel(confidence: Confidence) {
  const slugs: string[] = [];
  let cursor: string | null = null;
  let total = 0;
  let pages = 0;
  do {
    const { data, error } = await modelPage(confidence, cursor);
    if (error !== undefined) fail(error);
    total = data.total;
    pages += 1;
    slugs.push(...data.items.map((item) => item.slug));
    cursor = data.next_cursor;
  } while (cursor !== null);
  return { slugs, total, pages };
}

export async function getModel(slug: string) {
  const { data, error, response } = await client.GET("/v1/models/{slug}", {
    params: { path: { slug } },
  });
  if (error !== undefined) fail(error);
  const parameters: number | null | undefined = data.parameters;
  const etag = response.headers.get("etag") ?? "";
  return { slug: data.slug, name: data.name ?? null, parameters: parameters ?? null, etag };
}

export async function notModified(slug: string, etag: string): Promise<number> {
  const { response } = await client.GET("/v1/models/{slug}", {
    params: { path: { slug } },
    headers: { "If-None-Match": etag },
  });
  return response.status;
}

export async function getTrend() {
  const { data, error } = await client.GET("/v1/trends/{metric}", {
    params: { path: { metric: "training_compute" }, query: { start: "2010-01-01" } },
  });
  if (error !== undefined) fail(error);
  const n: number = data.n;
  return { metric: data.metric, n, doubling_time_months: data.doubling_time_months };
}

export async function getMissingModel() {
  const { data, error, response } = await client.GET("/v1/models/{slug}", {
    params: { path: { slug: "no-such-model" } },
  });
  if (data !== undefined) throw new Error("a missing model was found");
  const problem: Problem = error;
  return {
    status: problem.status,
    title: problem.title,
    content_type: response.headers.get("content-type"),
  };
}

export async function downloadCsvLines(): Promise<number> {
  const { data, error } = await client.GET("/v1/models.csv", {
    params: { query: { domain: ["Language"], min_parameters: 1e9 } },
    parseAs: "text",
  });
  if (error !== undefined) fail(error);
  const text: string = data;
  return text.split("\r\n").filter((line) => line !== "").length - 1;
}

// Never called: each line below must fail to type-check (an unused @ts-expect-error is
// itself an error), so the generated types are proved specific, not `any`.
export async function mistakesAreCaught(): Promise<void> {
  const { data } = await client.GET("/v1/models", {
    // @ts-expect-error: not a confidence level of the enum
    params: { query: { confidence: ["Sure"] } },
  });
  // @ts-expect-error: no such field of the page
  void data?.totl;
  // @ts-expect-error: a download takes no pagination
  await client.GET("/v1/models.csv", { params: { query: { limit: 5 } } });
  // @ts-expect-error: facets are an enum
  await client.GET("/v1/models/facets", { params: { query: { facet: ["colour"] } } });
}

async function main(): Promise<void> {
  const listed = await listEveryModel(["Confident", "Likely"]);
  const first = listed.slugs[0];
  if (first === undefined) throw new Error("no model listed");
  const model = await getModel(first);
  const summary = {
    listed: listed.slugs.length,
    distinct: new Set(listed.slugs).size,
    total: listed.total,
    pages: listed.pages,
    model: { slug: model.slug, name: model.name, parameters: model.parameters },
    not_modified: await notModified(first, model.etag),
    trend: await getTrend(),
    missing: await getMissingModel(),
    csv_rows: await downloadCsvLines(),
  };
  console.log(JSON.stringify(summary));
}

main().catch((reason: unknown) => {
  console.error(reason);
  process.exitCode = 1;
});
