// Checks video-service's OpenAPI document (docs/openapi.md):
//   node check_openapi.mjs TOOLS_DIR DOCUMENT [ANSWERS]
// TOOLS_DIR holds the node_modules that install-validator.sh put there with
// npm ci; DOCUMENT is /openapi.json as the server sent it; ANSWERS, if given,
// a JSON list of real answers {method, path (the path template), status,
// content_type, headers, body} to hold against the documented responses.
//
// 1. @seriousme/openapi-schema-validator validates the document against the
//    OpenAPI 3.1 schema (and that every $ref resolves).
// 2. That schema barely looks inside Schema Objects, so Ajv compiles every
//    one of them as JSON Schema 2020-12 in strict mode: an unknown keyword
//    or a misplaced one is a fault.
// 3. Every request example and parameter example must match its schema.
// 4. Every answer must have a documented status, content type and required
//    headers, and a JSON body must match the documented schema.
// Prints what it checked; exits 1 on the first kind of fault it lists.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve as absolute } from "node:path";
import { pathToFileURL } from "node:url";

const [toolsDir, documentPath, answersPath] = process.argv.slice(2);
if (!toolsDir || !documentPath) {
  console.error("usage: node check_openapi.mjs TOOLS_DIR DOCUMENT [ANSWERS]");
  process.exit(2);
}
const require = createRequire(absolute(toolsDir, "package.json"));
const { Validator } = await import(pathToFileURL(require.resolve("@seriousme/openapi-schema-validator")).href);
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

const faults = [];
const doc = JSON.parse(readFileSync(documentPath, "utf8"));

// 1. The OpenAPI schema of the document's version.
const validator = new Validator();
const verdict = await validator.validate(structuredClone(doc));
if (!verdict.valid)
  faults.push(`not a valid OpenAPI document: ${JSON.stringify(verdict.errors, null, 1)}`);
else if (validator.version !== "3.1")
  faults.push(`validated as OpenAPI ${validator.version}, not 3.1`);

// 2. Every Schema Object, compiled strictly. Component schemas are
// registered under one id, so "#/components/schemas/X" becomes a reference
// into it. strictRequired is off: the cross-field rules of the Job schema
// ("image_paths or slides") are `required` in subschemas, as JSON Schema
// intends.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
addFormats(ajv);
const componentsId = "urn:video-service:components";
const rewrite = (node) => {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== "object") return node;
  const copy = {};
  for (const [key, value] of Object.entries(node))
    copy[key] = key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")
      ? `${componentsId}#/$defs/${value.slice("#/components/schemas/".length)}`
      : rewrite(value);
  return copy;
};
const compiled = new Map();
const compile = (schema, where) => {
  if (compiled.has(schema)) return compiled.get(schema);
  let check = null;
  try {
    check = ajv.compile(rewrite(schema));
  } catch (failure) {
    faults.push(`${where}: the schema does not compile: ${failure.message}`);
  }
  compiled.set(schema, check);
  return check;
};
const schemas = doc.components?.schemas ?? {};
try {
  ajv.addSchema({ $id: componentsId, $defs: rewrite(schemas) });
} catch (failure) {
  faults.push(`components.schemas: ${failure.message}`);
}
for (const name of Object.keys(schemas)) compile({ $ref: `#/components/schemas/${name}` }, `components.schemas.${name}`);

// Every other Schema Object: parameters, headers, media types.
let schemaCount = Object.keys(schemas).length;
const visit = (node, where) => {
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "schema" && value && typeof value === "object") {
      compile(value, `${where}.schema`);
      ++schemaCount;
    } else if (key !== "schemas" && key !== "examples" && key !== "example") {
      visit(value, `${where}.${key}`);
    }
  }
};
visit({ paths: doc.paths, components: { ...doc.components, schemas: undefined } }, "#");

// Follows a $ref inside the document ("#/components/responses/X").
const resolve = (node) => {
  let seen = 0;
  while (node && typeof node.$ref === "string" && seen++ < 10) {
    node = node.$ref
      .slice(2)
      .split("/")
      .reduce((at, part) => at?.[part.replaceAll("~1", "/").replaceAll("~0", "~")], doc);
  }
  return node;
};
const problems = (check) => ajv.errorsText(check.errors, { separator: "; " });

// 3. Examples against their schemas.
const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
let exampleCount = 0;
const checkExample = (schema, value, where) => {
  const check = schema && compile(schema, where);
  ++exampleCount;
  if (check && !check(value)) faults.push(`${where}: the example does not match its schema: ${problems(check)}`);
};
const checkParameters = (parameters, where) => {
  for (const parameter of (parameters ?? []).map(resolve))
    if ("example" in parameter) checkExample(parameter.schema, parameter.example, `${where} parameter ${parameter.name}`);
};
let operationCount = 0;
for (const [path, item] of Object.entries(doc.paths ?? {})) {
  checkParameters(item.parameters, path);
  for (const method of methods.filter((m) => item[m])) {
    ++operationCount;
    const operation = item[method];
    checkParameters(operation.parameters, `${method.toUpperCase()} ${path}`);
    const body = resolve(operation.requestBody);
    for (const [type, media] of Object.entries(body?.content ?? {}))
      for (const [name, example] of Object.entries(media.examples ?? {}))
        checkExample(media.schema, resolve(example).value, `${method.toUpperCase()} ${path} ${type} example ${name}`);
  }
}

// 4. Real answers against the documented responses.
let answerCount = 0;
if (answersPath) {
  const answers = JSON.parse(readFileSync(answersPath, "utf8"));
  for (const answer of answers) {
    ++answerCount;
    const where = `${answer.method.toUpperCase()} ${answer.path} -> ${answer.status}`;
    const operation = doc.paths?.[answer.path]?.[answer.method.toLowerCase()];
    if (!operation) {
      faults.push(`${where}: the operation is not documented`);
      continue;
    }
    const response = resolve(operation.responses?.[String(answer.status)] ?? operation.responses?.default);
    if (!response) {
      faults.push(`${where}: the status is not documented (body ${JSON.stringify(answer.body)})`);
      continue;
    }
    const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    for (const [name, header] of Object.entries(response.headers ?? {}).map(([n, h]) => [n, resolve(h)])) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) faults.push(`${where}: the required header ${name} is missing`);
        continue;
      }
      const check = header.schema && compile(header.schema, `${where} header ${name}`);
      const typed = header.schema?.type === "integer" && /^[0-9]+$/.test(value) ? Number(value) : value;
      if (check && !check(typed)) faults.push(`${where}: header ${name}: ${JSON.stringify(value)}: ${problems(check)}`);
    }
    const content = response.content ?? {};
    const type = answer.content_type ?? "";
    const media = content[type] ?? content[type.split(";")[0].trim()];
    if (!media) {
      if (type !== "" || Object.keys(content).length > 0)
        faults.push(`${where}: content type "${type}" is not documented (${Object.keys(content).join(", ") || "none"})`);
      continue;
    }
    if (answer.body === undefined || answer.body === null || !media.schema) continue;
    const check = compile(media.schema, where);
    if (check && !check(answer.body))
      faults.push(`${where}: the body does not match the schema: ${problems(check)}\n  ${JSON.stringify(answer.body)}`);
  }
}

if (faults.length > 0) {
  console.error(`${faults.length} faults in ${documentPath}:`);
  for (const fault of faults) console.error(`- ${fault}`);
  process.exit(1);
}
console.log(
  `valid OpenAPI ${doc.openapi}: ${Object.keys(doc.paths).length} paths, ${operationCount} operations; ` +
    `${schemaCount} schemas compile strictly; ${exampleCount} examples match; ${answerCount} answers match`,
);
