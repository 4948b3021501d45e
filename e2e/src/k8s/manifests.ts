import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** What the k8s test reads of the rendered manifests: plain objects, typed as far as it needs (the rest loosely). */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: any;
};
export type Labels = Record<string, string>;
export interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: unknown;
  };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: unknown[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: any;
  readinessProbe?: any;
  startupProbe?: any;
  lifecycle?: any;
  securityContext?: any;
  volumeMounts?: { name: string; mountPath: string }[];
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: any;
  automountServiceAccountToken?: boolean;
  serviceAccountName?: string;
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  topologySpreadConstraints?: { topologyKey: string; labelSelector?: LabelSelector; matchLabelKeys?: string[] }[];
  volumes?: { name: string; emptyDir?: unknown }[];
}

export const ROOT = join(__dirname, '../../..');
export const K8S_DIR = join(ROOT, 'deploy/k8s');

/** kubectl with kustomize v5 (for `labels`, inline patches with targets); CI installs it (.ci/run). */
export function assertKubectl(): void {
  let version: { kustomizeVersion?: string };
  try {
    version = JSON.parse(execFileSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' })) as typeof version;
  } catch (err) {
    throw new Error(
      `kubectl is needed to render deploy/k8s (\`kubectl kustomize\`) and could not be run (${(err as Error).message}). ` +
        '.ci/run installs it with apt-get; locally, install kubectl 1.27 or later.',
    );
  }
  const major = Number(/^v?(\d+)/.exec(version.kustomizeVersion ?? '')?.[1] ?? 0);
  if (major < 5)
    throw new Error(`kubectl's kustomize is ${version.kustomizeVersion ?? 'unknown'}; deploy/k8s needs v5 (kubectl 1.27 or later)`);
}

/**
 * `kubectl kustomize` of one overlay, parsed. The production overlay reads secrets.env, which is
 * never committed: it is rendered from a copy of deploy/k8s with secrets.env.example in its place.
 */
export function renderOverlay(overlay: string): K8sObject[] {
  const copy = mkdtempSync(join(tmpdir(), 'lever-assess-k8s-'));
  try {
    cpSync(K8S_DIR, copy, { recursive: true });
    const dir = join(copy, 'overlays', overlay);
    const example = join(dir, 'secrets.env.example');
    if (existsSync(example)) cpSync(example, join(dir, 'secrets.env'));
    const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    return parseYamlDocuments(text) as K8sObject[];
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

export function parseYamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
      return doc.toJS() as unknown;
    })
    .filter((doc) => doc !== null);
}

export const readRepoFile = (path: string) => readFileSync(join(ROOT, path), 'utf8');

export function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key]);
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key]);
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
    }
  });
  return byLabels && byExpressions;
}

/** The rendered objects of one overlay, with look-ups the checks share. */
export class Rendered {
  constructor(readonly objects: K8sObject[]) {}

  all(kind: string): K8sObject[] {
    return this.objects.filter((o) => o.kind === kind);
  }

  one(kind: string, name: string): K8sObject {
    const found = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} in the render`);
    return found;
  }

  get namespace(): string {
    const [ns] = this.all('Namespace');
    if (!ns) throw new Error('the overlay renders no Namespace');
    return ns.metadata.name;
  }

  /** Deployments, StatefulSets and Jobs, with their pod template. */
  workloads(): { object: K8sObject; pod: PodSpec; labels: Labels }[] {
    return this.objects
      .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
      .map((object) => ({ object, pod: object.spec.template.spec as PodSpec, labels: object.spec.template.metadata.labels as Labels }));
  }

  /** ConfigMap or Secret data by (generated) name, Secret values decoded. */
  configData(kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined {
    const object = this.objects.find((o) => o.kind === kind && o.metadata.name === name) as
      (K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> }) | undefined;
    if (!object) return undefined;
    if (kind === 'ConfigMap') return { ...(object.data ?? {}) };
    const data: Record<string, string> = object.data ?? {};
    const decoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return { ...decoded, ...(object.stringData ?? {}) };
  }

  /**
   * The environment a container starts with, as the kubelet builds it. Throws on a reference to
   * a ConfigMap, Secret or key that does not exist (the pod would not start), unless optional.
   */
  containerEnv(container: Container): Record<string, string> {
    if (container.envFrom?.length) throw new Error(`${container.name}: envFrom is not used here (each variable is listed)`);
    const env: Record<string, string> = {};
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) {
        env[variable.name] = variable.value;
        continue;
      }
      const ref = variable.valueFrom?.configMapKeyRef ?? variable.valueFrom?.secretKeyRef;
      if (!ref) throw new Error(`${container.name}: ${variable.name} has neither a value nor a ConfigMap or Secret key`);
      const kind = variable.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const data = this.configData(kind, ref.name);
      const value = data?.[ref.key];
      if (value === undefined) {
        if (ref.optional) continue;
        throw new Error(`${container.name}: ${variable.name} reads ${kind} ${ref.name} key ${ref.key}, which does not exist`);
      }
      env[variable.name] = value;
    }
    return env;
  }

  /** The container port a probe's or Service's port (a name or a number) lands on. */
  static containerPort(container: Container, port: string | number): number | undefined {
    if (typeof port === 'number') return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
    return container.ports?.find((p) => p.name === port)?.containerPort;
  }

  /** Whether an in-cluster host name (`svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`) is one of this render's Services. */
  service(host: string): K8sObject | undefined {
    const [name, ns = this.namespace, svc] = host.split('.');
    if (ns !== this.namespace || (svc !== undefined && svc !== 'svc')) return undefined;
    return this.objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
  }
}
