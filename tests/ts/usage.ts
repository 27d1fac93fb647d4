// A small typed client of the API, written against types generated from the live
// /openapi.json (tmp/schema.d.ts). `tsc --noEmit` proves the types fit this usage, and
// each @ts-expect-error proves a mistake is caught (an unused one is itself an error,
// so this file cannot pass against `any`-typed or missing types).
import type { components, operations, paths } from "./tmp/schema";

type Json<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { content: { "application/json": infer Body } }
    ? Body
    : never;

type ModelListQuery = NonNullable<operations["list_models"]["parameters"]["query"]>;
type ModelPage = Json<"list_models", 200>;
type Model = components["schemas"]["MLModelPublic"];
type Trend = Json<"get_trend", 200>;
type Metric = paths["/v1/trends/{metric}"]["get"]["parameters"]["path"]["metric"];
type Problem = components["schemas"]["Problem"];

function queryString(query: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

async function getJson<T>(base: string, path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  if (!response.ok) {
    const problem = (await response.json()) as Problem;
    throw new Error(`${problem.status} ${problem.title}: ${problem.detail ?? ""}`);
  }
  return (await response.json()) as T;
}

export async function listAllModels(base: string, query: ModelListQuery): Promise<string[]> {
  const slugs: string[] = [];
  let page: ModelPage = await getJson<ModelPage>(base, `/v1/models${queryString(query)}`);
  slugs.push(...page.items.map((item) => item.slug));
  while (page.next_cursor !== null) {
    page = await getJson<ModelPage>(
      base,
      `/v1/models${queryString({ ...query, cursor: page.next_cursor })}`,
    );
    slugs.push(...page.items.map((item) => item.slug));
  }
  return slugs;
}

export async function getModel(base: string, slug: string): Promise<Model> {
  const model = await getJson<Model>(base, `/v1/models/${encodeURIComponent(slug)}`);
  const parameters: number | null | undefined = model.parameters;
  const organizations: string[] | null | undefined = model.organizations;
  void parameters;
  void organizations;
  return model;
}

export async function doublingTime(base: string, metric: Metric): Promise<number | null> {
  const trend: Trend = await getJson<Trend>(base, `/v1/trends/${metric}?start=2010-01-01`);
  const n: number = trend.n;
  const interval: (number | null)[] = trend.growth_per_year_ci;
  void n;
  void interval;
  return trend.doubling_time_months;
}

export const query: ModelListQuery = {
  domain: ["Language"],
  min_parameters: 1e11,
  sort: "-parameters",
  limit: 50,
  format: "json",
};

export const metric: Metric = "training_compute";

// @ts-expect-error: not a metric of the API
export const wrongMetric: Metric = "flops";

// @ts-expect-error: `domain` is repeatable, so it is a list
export const wrongDomain: ModelListQuery = { domain: "Language" };

// @ts-expect-error: `format` is json, csv or ndjson
export const wrongFormat: ModelListQuery = { format: "xml" };

export function misspelled(model: Model): unknown {
  // @ts-expect-error: no such field
  return model.paramters;
}
