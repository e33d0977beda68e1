// Validates Kubernetes manifests against the API's schemas (kubernetes-models: the OpenAPI schemas of
// Kubernetes and of the prometheus-operator's CRDs, compiled): types, required fields, enums, formats.
//   node kubernetes.mjs FILE...   prints one line per object; exit 1 on any problem.
// A kustomization is not an API object: it is checked by DeployRecipesTest.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const modules = {
  "v1": "kubernetes-models/v1",
  "apps/v1": "kubernetes-models/apps/v1",
  "policy/v1": "kubernetes-models/policy/v1",
  "monitoring.coreos.com/v1": "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1",
};

let problems = 0;
function problem(where, message) {
  console.log(`${where}: ${message}`);
  problems++;
}

for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      doc.errors.forEach((e) => problem(file, e.message));
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    const where = `${file}: ${object.kind}/${object.metadata?.name}`;
    if (object.apiVersion?.startsWith("kustomize.config.k8s.io/")) continue;
    const module = modules[object.apiVersion];
    if (module === undefined) {
      problem(where, `no schema for apiVersion ${object.apiVersion}`);
      continue;
    }
    const model = (await import(module))[object.kind];
    if (model === undefined) {
      problem(where, `no kind ${object.kind} in ${object.apiVersion}`);
      continue;
    }
    try {
      new model(object).validate();
      console.log(`${where}: valid ${object.apiVersion} ${object.kind}`);
    } catch (e) {
      problem(where, e.message);
    }
  }
}
process.exit(problems > 0 ? 1 : 0);
