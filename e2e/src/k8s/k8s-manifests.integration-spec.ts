import { DatabaseEnv } from '@lever-assess/persistence';
import { HealthController, MetricsController, SHUTDOWN_GRACE_MS, loadEnv } from '@lever-assess/common';
import { QueueName } from '@lever-assess/queues';
import { builtAppPath, runBuiltApp } from '@lever-assess/testing';
import { QueueKeys } from 'bullmq';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SANDBOX_APPS, SERVICE_APPS } from '../app-ports';
import { assertKubectl, K8S_DIR, readRepoFile, Rendered, renderOverlay, ROOT, selects, type Container } from './manifests';

// deploy/k8s rendered with `kubectl kustomize`, checked against the code: the apps' env schemas
// (through each built app's own loader), their routes, their queues and their metrics.

const OVERLAYS = ['dev', 'production'] as const;
type Overlay = (typeof OVERLAYS)[number];
const WORKERS = ['dispatcher', 'result-sync'] as const;
/** Apps whose start-up is slow enough for a startupProbe (the gateway's account cache, config-api's OpenAPI document). */
const SLOW_STARTERS = ['webhook-gateway', 'config-api'];
/** Where traffic from outside the namespace may come from, and to which apps. */
const INGRESS_NAMESPACE = 'ingress-nginx';
const MONITORING_NAMESPACE = 'monitoring';
const TAKES_OUTSIDE_TRAFFIC = ['webhook-gateway', 'config-api'];
const DNS_PORT = 53;

const appsOf = (overlay: Overlay): string[] => (overlay === 'dev' ? [...SERVICE_APPS, ...SANDBOX_APPS] : [...SERVICE_APPS]);

/** The route prefix a Nest controller class declares (`@Controller('health')`), read from its metadata. */
const controllerPath = (cls: object) => String(Reflect.getMetadata('path', cls));
const handlerPath = (cls: { prototype: object }, method: string) =>
  String(Reflect.getMetadata('path', (cls.prototype as Record<string, object>)[method]));
const HEALTH = controllerPath(HealthController);
const LIVE_PATH = `/${HEALTH}/${handlerPath(HealthController, 'live')}`;
const READY_PATH = `/${HEALTH}/${handlerPath(HealthController, 'ready')}`;
const METRICS_PATH = `/${controllerPath(MetricsController)}`;

/** The queues a worker consumes, from `const OWNED_QUEUES = [QueueName.X, ...]` in its app module. */
function ownedQueues(app: string): string[] {
  const source = readRepoFile(`apps/${app}/src/app.module.ts`);
  const list = /const OWNED_QUEUES = \[([^\]]*)\]/.exec(source)?.[1];
  if (!list) throw new Error(`apps/${app}/src/app.module.ts declares no OWNED_QUEUES`);
  return list.split(',').map((entry) => {
    const member = /QueueName\.(\w+)/.exec(entry)?.[1] as keyof typeof QueueName | undefined;
    if (!member || !(member in QueueName)) throw new Error(`apps/${app}: cannot read queue "${entry.trim()}"`);
    return QueueName[member];
  });
}

/** Every `@Controller('...')` path under an app's sources. */
function controllerRoutes(app: string): string[] {
  const routes: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.includes('spec')) {
        for (const match of readFileSync(path, 'utf8').matchAll(/@Controller\(\s*'([^']*)'/g)) routes.push(`/${match[1]}`);
      }
    }
  };
  walk(join(ROOT, 'apps', app, 'src'));
  // config-api's OpenAPI UI and document (SwaggerModule, not a controller).
  const openApiFile = join(ROOT, 'apps', app, 'src/openapi/openapi.setup.ts');
  const openApi = existsSync(openApiFile)
    ? /export const OPENAPI_PATH = '([^']+)'/.exec(readFileSync(openApiFile, 'utf8'))?.[1]
    : undefined;
  if (openApi) routes.push(`/${openApi}`, `/${openApi}-json`);
  return routes;
}

/** Metric names the code registers (counter/histogram/gauge helpers of libs/common). */
function metricsInCode(): Set<string> {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.includes('spec')) {
        const source = readFileSync(path, 'utf8');
        for (const match of source.matchAll(/\b(counter|histogram|gauge)\(\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g)) {
          names.add(match[2]);
          // A histogram is queried through its series.
          if (match[1] === 'histogram') for (const suffix of ['_bucket', '_count', '_sum']) names.add(match[2] + suffix);
        }
      }
    }
  };
  for (const top of ['apps', 'libs']) for (const project of readdirSync(join(ROOT, top))) walk(join(ROOT, top, project, 'src'));
  return names;
}

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
function metricsInExpr(expr: string): string[] {
  const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless']);
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\boffset\s+\w+/g, '');
  const names: string[] = [];
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const next = bare.slice(match.index + match[0].length).trimStart()[0];
    if (next !== '(' && !KEYWORDS.has(match[0])) names.push(match[0]);
  }
  return names;
}

/** A URL's port, as the process connects to it. */
function urlPort(url: URL): number {
  if (url.port) return Number(url.port);
  const defaults: Record<string, number> = {
    'http:': 80,
    'https:': 443,
    'redis:': 6379,
    'rediss:': 6379,
    'postgres:': 5432,
    'postgresql:': 5432,
  };
  return defaults[url.protocol];
}

/** What a built app's `--check-config` says of an environment: its exit code and the validated config. */
async function checkConfig(
  app: string,
  env: Record<string, string>,
): Promise<{ code: number | null; config?: Record<string, unknown>; output: string }> {
  const { code, output } = await runBuiltApp(app, env, { args: ['--check-config'] });
  const line = output.split('\n').find((l) => l.startsWith('{"service"'));
  const config = line ? (JSON.parse(line) as { config: Record<string, unknown> }).config : undefined;
  return { code, config, output };
}

beforeAll(() => assertKubectl());

describe.each(OVERLAYS)('deploy/k8s/overlays/%s', (overlay) => {
  let k: Rendered;
  const apps = appsOf(overlay);
  /** The one Deployment of an app, its container, its pod labels and its environment. */
  const app = (name: string) => {
    const object = k.one('Deployment', name);
    const pod = object.spec.template.spec as { containers: Container[] };
    const [container] = pod.containers;
    return {
      object,
      pod: object.spec.template.spec,
      container,
      labels: object.spec.template.metadata.labels,
      env: k.containerEnv(container),
    };
  };

  beforeAll(() => {
    k = new Rendered(renderOverlay(overlay));
  });

  it('puts every object in one restricted namespace', () => {
    const ns = k.one('Namespace', k.namespace);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of k.objects.filter((x) => x.kind !== 'Namespace'))
      expect({ [o.kind]: o.metadata.name, ns: o.metadata.namespace }).toEqual({ [o.kind]: o.metadata.name, ns: k.namespace });
  });

  it(`has a Deployment per app: ${apps.join(', ')}`, () => {
    const deployments = k.all('Deployment').map((d) => d.metadata.name);
    expect(deployments.sort()).toEqual([...apps].sort());
  });

  it('runs every app from the one image, each its own bundle, which the build makes', () => {
    const images = new Set(apps.map((name) => app(name).container.image));
    expect(images.size).toBe(1);
    for (const name of apps) {
      const { container } = app(name);
      expect({ name, command: container.command }).toEqual({ name, command: ['node', `dist/apps/${name}/main.js`] });
      expect(existsSync(builtAppPath(name))).toBe(true);
    }
    const migrate = k.one('Job', 'migrate').spec.template.spec.containers[0] as Container;
    expect(migrate.image).toBe([...images][0]);
  });

  it.each(apps)("%s: its environment passes the app's own validation, and names only variables its schema declares", async (name) => {
    const { env, container } = app(name);
    const { code, config, output } = await checkConfig(name, env);
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
    expect(config).toBeDefined();
    // The loader keeps only declared variables (class-validator's whitelist): a name it dropped is not in the schema.
    const undeclared = Object.keys(env).filter((variable) => !(variable in config!));
    expect(undeclared).toEqual([]);
    // PORT is the container's port.
    expect([Number(env.PORT), config!.PORT]).toEqual([container.ports?.[0].containerPort, container.ports?.[0].containerPort]);
    // No connection URL left at a default that points at this machine (the public ones are only printed).
    for (const [variable, value] of Object.entries(config!)) {
      if (typeof value !== 'string' || !/^[a-z]+:\/\//.test(value) || variable.includes('PUBLIC')) continue;
      expect({ variable, host: new URL(value).hostname }).toEqual({
        variable,
        host: expect.not.stringMatching(/^(127\.0\.0\.1|localhost|\[::1\])$/),
      });
    }
  });

  it('migrates with a Job that runs the migrate entry of the image, its environment valid for it', () => {
    const job = k.one('Job', 'migrate');
    const [container] = job.spec.template.spec.containers as Container[];
    expect(container.command).toEqual(['node', 'dist/apps/config-api/migrate.js']);
    expect(existsSync(builtAppPath('config-api', 'migrate'))).toBe(true);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.metadata.labels?.['lever-assess.io/phase']).toBe('migrate');
    const env = k.containerEnv(container);
    expect(() => loadEnv(DatabaseEnv, env)).not.toThrow();
    expect(Object.keys(env).filter((variable) => !(variable in new DatabaseEnv()))).toEqual([]);
  });

  it.each(apps)('%s: probes /health/live and /health/ready on its own port; a startupProbe where start-up is slow', (name) => {
    const { container, env } = app(name);
    const port = Number(env.PORT);
    expect([LIVE_PATH, READY_PATH]).toEqual(['/health/live', '/health/ready']);
    for (const [probe, path] of [
      ['livenessProbe', LIVE_PATH],
      ['readinessProbe', READY_PATH],
      ['startupProbe', LIVE_PATH],
    ] as const) {
      const spec = container[probe] as { httpGet?: { path: string; port: string | number } } | undefined;
      if (probe === 'startupProbe' && !SLOW_STARTERS.includes(name)) continue;
      expect({ probe, path: spec?.httpGet?.path }).toEqual({ probe, path });
      expect({ probe, port: Rendered.containerPort(container, spec!.httpGet!.port) }).toEqual({ probe, port });
    }
    // The app serves them: its module imports the health and metrics module.
    expect(readRepoFile(`apps/${name}/src/app.module.ts`)).toMatch(/\bObservabilityModule\b/);
  });

  it.each(apps)('%s: the grace period outlasts the shutdown watchdog plus preStop; product rollouts keep capacity', (name) => {
    const { pod, container, object } = app(name);
    const preStop = container.lifecycle?.preStop?.exec?.command as string[] | undefined;
    const preStopSeconds = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(SHUTDOWN_GRACE_MS / 1000 + preStopSeconds);
    if ((SERVICE_APPS as readonly string[]).includes(name)) {
      expect(object.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    }
  });

  it('runs every pod as non-root, with a read-only root filesystem, no privilege escalation and no service-account token', () => {
    const ourImage = app('dispatcher').container.image;
    for (const { object, pod } of k.workloads()) {
      const where = `${object.kind} ${object.metadata.name}`;
      expect({ where, runAsNonRoot: pod.securityContext?.runAsNonRoot }).toEqual({ where, runAsNonRoot: true });
      expect({ where, uid: pod.securityContext?.runAsUser }).toEqual({ where, uid: expect.any(Number) });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect({ where, seccomp: pod.securityContext?.seccompProfile?.type }).toEqual({ where, seccomp: 'RuntimeDefault' });
      expect({ where, token: pod.automountServiceAccountToken }).toEqual({ where, token: false });
      expect({ where, serviceLinks: pod.enableServiceLinks }).toEqual({ where, serviceLinks: false });
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        expect({ where, container: c.name, sc: c.securityContext }).toEqual({
          where,
          container: c.name,
          sc: expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }),
        });
        // Node may write temporary files: /tmp is the one writable path.
        if (c.image === ourImage) {
          const tmp = c.volumeMounts?.find((m) => m.mountPath === '/tmp');
          expect({ where, tmp: pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir }).toEqual({ where, tmp: expect.anything() });
        }
      }
    }
    // The image's own user is unprivileged too (docker run without a pod securityContext).
    const dockerfile = readRepoFile('Dockerfile');
    expect(dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))).toMatch(/\nUSER node\n/);
  });

  it('gives every container CPU and memory requests and limits, requests within limits', () => {
    const quantity = (q: string) => {
      const m = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi)?$/.exec(q);
      if (!m) throw new Error(`unexpected quantity ${q}`);
      const factor: Record<string, number> = { m: 0.001, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 };
      return Number(m[1]) * (m[2] ? factor[m[2]] : 1);
    };
    for (const { object, pod } of k.workloads()) {
      for (const c of pod.containers) {
        for (const resource of ['cpu', 'memory']) {
          const request = c.resources?.requests?.[resource];
          const limit = c.resources?.limits?.[resource];
          expect({ where: `${object.metadata.name}/${c.name}`, resource, request, limit }).toEqual({
            where: `${object.metadata.name}/${c.name}`,
            resource,
            request: expect.any(String),
            limit: expect.any(String),
          });
          expect(quantity(request!)).toBeLessThanOrEqual(quantity(limit!));
        }
      }
    }
  });

  it.each(apps)('%s: a PodDisruptionBudget, a Service and a spread across nodes, each selecting exactly its pods', (name) => {
    const { labels, container } = app(name);
    const others = k.workloads().filter((w) => w.object.metadata.name !== name);
    const budgets = k.all('PodDisruptionBudget').filter((p) => selects(p.spec.selector, labels));
    expect(budgets).toHaveLength(1);
    expect(budgets[0].spec.maxUnavailable ?? 0).toBeGreaterThanOrEqual(1);
    for (const other of others) expect(selects(budgets[0].spec.selector, other.labels)).toBe(false);

    const services = k.all('Service').filter((s) => selects({ matchLabels: s.spec.selector }, labels));
    expect(services.map((s) => s.metadata.name)).toEqual([name]);
    for (const port of services[0].spec.ports as { targetPort: string | number }[]) {
      expect(Rendered.containerPort(container, port.targetPort)).toBeDefined();
    }

    const spread = (app(name).pod.topologySpreadConstraints ?? []).find(
      (t: { topologyKey: string }) => t.topologyKey === 'kubernetes.io/hostname',
    );
    expect(spread).toBeDefined();
    expect(selects(spread.labelSelector, labels)).toBe(true);
    for (const other of others) expect(selects(spread.labelSelector, other.labels)).toBe(false);
  });

  it('scales the gateway on CPU, and leaves the count of every autoscaled Deployment to its autoscaler', () => {
    const hpa = k.one('HorizontalPodAutoscaler', 'webhook-gateway');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'webhook-gateway' });
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: expect.objectContaining({ type: 'Utilization' }) } },
    ]);
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(1);
    expect(hpa.spec.maxReplicas).toBeGreaterThanOrEqual(hpa.spec.minReplicas);
    for (const name of ['webhook-gateway', ...WORKERS])
      expect({ name, replicas: app(name).object.spec.replicas }).toEqual({ name, replicas: undefined });
  });

  it.each(WORKERS)("%s: KEDA scales it on the BullMQ wait lists of the queues it consumes, with the overlay's QUEUE_PREFIX", (name) => {
    const { env } = app(name);
    const scaled = k.one('ScaledObject', name);
    expect(scaled.spec.scaleTargetRef.name).toBe(name);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaled.spec.maxReplicaCount).toBeGreaterThanOrEqual(scaled.spec.minReplicaCount);
    expect(scaled.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(0);

    // BullMQ's own key builder with the app's prefix (QueuesModule passes QUEUE_PREFIX as BullMQ's prefix).
    const keys = new QueueKeys(env.QUEUE_PREFIX);
    const expected = ownedQueues(name).map((queue) => keys.getKeys(queue).wait);
    const triggers = scaled.spec.triggers as { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
    expect(triggers.map((t) => t.type)).toEqual(triggers.map(() => 'redis'));
    expect(triggers.map((t) => t.metadata.listName).sort()).toEqual(expected.sort());

    const redisUrl = new URL(env.REDIS_URL);
    for (const { metadata, authenticationRef } of triggers) {
      expect(Number(metadata.listLength)).toBeGreaterThan(0);
      expect(metadata.databaseIndex ?? '0').toBe(redisUrl.pathname.slice(1) || '0');
      expect(metadata.enableTLS === 'true').toBe(redisUrl.protocol === 'rediss:');
      // KEDA reads the same Redis as the app: the address (the Service's full name when in-cluster:
      // KEDA runs in its own namespace) and the password.
      const auth = k.one('TriggerAuthentication', authenticationRef.name);
      const param = (parameter: string) => {
        const ref = (auth.spec.secretTargetRef as { parameter: string; name: string; key: string }[]).find(
          (r) => r.parameter === parameter,
        );
        return ref ? k.configData('Secret', ref.name)?.[ref.key] : undefined;
      };
      const inCluster = k.service(redisUrl.hostname) !== undefined;
      const host = inCluster ? `${redisUrl.hostname}.${k.namespace}.svc.cluster.local` : redisUrl.hostname;
      expect(param('address')).toBe(`${host}:${urlPort(redisUrl)}`);
      expect(param('password')).toBe(redisUrl.password ? decodeURIComponent(redisUrl.password) : undefined);
    }
  });

  it('lets in traffic from outside only through the ingress controller to the gateway and config-api', () => {
    const ingresses = k.all('Ingress');
    const backends = new Set<string>();
    for (const ingress of ingresses) {
      for (const rule of ingress.spec.rules as {
        host: string;
        http: { paths: { path: string; backend: { service: { name: string; port: { name?: string; number?: number } } } }[] };
      }[]) {
        for (const { path, backend } of rule.http.paths) {
          const target = backend.service.name;
          backends.add(target);
          expect(TAKES_OUTSIDE_TRAFFIC).toContain(target);
          // A real route of that app, never health or metrics.
          expect({ target, path, route: controllerRoutes(target).some((r) => r === path || r.startsWith(`${path}/`)) }).toEqual({
            target,
            path,
            route: true,
          });
          expect(path).not.toMatch(new RegExp(`^(/|/${HEALTH}.*|${METRICS_PATH}.*)$`));
          const service = k.one('Service', target);
          const port = (service.spec.ports as { name: string; port: number; targetPort: string | number }[]).find(
            (p) => p.name === backend.service.port.name || p.port === backend.service.port.number,
          );
          expect(Rendered.containerPort(app(target).container, port!.targetPort)).toBe(Number(app(target).env.PORT));
        }
      }
    }
    expect([...backends].sort()).toEqual([...TAKES_OUTSIDE_TRAFFIC].sort());
    // The webhook URLs shown to admins are the gateway's public host.
    const gatewayHosts = ingresses
      .filter((i) => i.metadata.name === 'webhook-gateway')
      .flatMap((i) => i.spec.rules.map((r: { host: string }) => r.host));
    expect(gatewayHosts).toContain(new URL(app('config-api').env.PUBLIC_BASE_URL).hostname);
  });

  describe('network policies', () => {
    type Peer = { podSelector?: Record<string, unknown>; namespaceSelector?: { matchLabels?: Record<string, string> }; ipBlock?: unknown };
    type Rule = { from?: Peer[]; to?: Peer[]; ports?: { port: number }[] };
    const policiesFor = (labels: Record<string, string>, type: 'Ingress' | 'Egress') =>
      k.all('NetworkPolicy').filter((p) => (p.spec.policyTypes as string[]).includes(type) && selects(p.spec.podSelector, labels));
    const rules = (labels: Record<string, string>, type: 'Ingress' | 'Egress') =>
      policiesFor(labels, type).flatMap((p) => (p.spec[type.toLowerCase()] ?? []) as Rule[]);

    it('deny everything not allowed, in both directions', () => {
      const deny = k.all('NetworkPolicy').find((p) => Object.keys(p.spec.podSelector).length === 0 && !p.spec.ingress && !p.spec.egress);
      expect(deny?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    });

    it.each(apps)('%s: takes traffic from outside the namespace only as allowed (ingress controller, metrics scrapes)', (name) => {
      const { labels, env } = app(name);
      for (const rule of rules(labels, 'Ingress')) {
        expect({ name, from: rule.from ?? 'anywhere' }).toEqual({ name, from: expect.any(Array) });
        for (const peer of rule.from!) {
          expect(peer.ipBlock).toBeUndefined();
          const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
          if (peer.namespaceSelector === undefined) continue; // pods of this namespace
          expect(ns).toBeDefined();
          if (ns === MONITORING_NAMESPACE) expect(rule.ports?.map((p) => p.port)).toContain(Number(env.PORT));
          else expect({ name, ns, allowed: TAKES_OUTSIDE_TRAFFIC.includes(name) }).toEqual({ name, ns: INGRESS_NAMESPACE, allowed: true });
        }
      }
    });

    it.each(apps)('%s: reaches exactly what its configuration names (Redis, PostgreSQL, Lever, the platform), and DNS', (name) => {
      const { labels, env } = app(name);
      // Where the app connects: every URL in its environment but the public ones it only prints.
      const needed = new Set<number>();
      for (const [variable, value] of Object.entries(env)) {
        if (variable.includes('PUBLIC') || !/^[a-z]+:\/\//.test(value)) continue;
        const url = new URL(value);
        const service = k.service(url.hostname);
        // To an in-cluster Service, the policy sees the pod's port.
        const target = service?.spec.ports.find((p: { port: number }) => p.port === urlPort(url))?.targetPort as
          string | number | undefined;
        const backend = service && k.workloads().find((w) => selects({ matchLabels: service.spec.selector }, w.labels));
        needed.add(target !== undefined && backend ? Rendered.containerPort(backend.pod.containers[0], target)! : urlPort(url));
      }
      const allowed = new Set<number>();
      for (const rule of rules(labels, 'Egress')) {
        expect({ name, to: rule.to ?? 'anywhere', ports: rule.ports ?? 'any' }).toEqual({
          name,
          to: expect.any(Array),
          ports: expect.any(Array),
        });
        for (const { port } of rule.ports!) allowed.add(port);
      }
      allowed.delete(DNS_PORT);
      expect({ name, allowed: [...allowed].sort() }).toEqual({ name, allowed: [...needed].sort() });
    });

    it('the migration Job reaches PostgreSQL only', () => {
      const job = k.one('Job', 'migrate');
      const labels = job.spec.template.metadata.labels;
      const env = k.containerEnv(job.spec.template.spec.containers[0]);
      const ports = new Set(rules(labels, 'Egress').flatMap((r) => (r.ports ?? []).map((p) => p.port)));
      ports.delete(DNS_PORT);
      expect([...ports]).toEqual([urlPort(new URL(env.DATABASE_URL))]);
    });
  });
});

describe('production secrets', () => {
  const dir = join(K8S_DIR, 'overlays/production');
  const exampleKeys = () =>
    readFileSync(join(dir, 'secrets.env.example'), 'utf8')
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => line.slice(0, line.indexOf('=')));

  it('never commits secrets.env', () => {
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toContain('secrets.env');
    // In a git checkout, git agrees (check-ignore exits 1, and execFileSync throws, when the path would be committed).
    const inGit = (() => {
      try {
        execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: ROOT, stdio: 'ignore' });
        return true;
      } catch {
        return false;
      }
    })();
    if (inGit) expect(() => execFileSync('git', ['check-ignore', '-q', join(dir, 'secrets.env')], { cwd: ROOT })).not.toThrow();
  });

  it('the external secret store example writes the same keys as secrets.env.example', () => {
    const external = parse(readFileSync(join(dir, 'external-secret.example.yaml'), 'utf8')) as {
      spec: { target: { name: string }; data: { secretKey: string }[] };
    };
    expect(external.spec.target.name).toBe('lever-assess-secrets');
    expect(external.spec.data.map((d) => d.secretKey).sort()).toEqual(exampleKeys().sort());
  });
});

describe('deploy/prometheus/alerts.yaml', () => {
  const rules = (
    parse(readRepoFile('deploy/prometheus/alerts.yaml')) as { groups: { rules: { alert: string; expr: string }[] }[] }
  ).groups.flatMap((g) => g.rules);

  it('has the alerts on-call needs: queue age, failed jobs, disconnected accounts, 5xx rate', () => {
    const exprs = rules.map((r) => r.expr).join('\n');
    for (const metric of [
      'queue_oldest_waiting_job_age_seconds',
      'queue_jobs',
      'accounts_by_status',
      'http_request_duration_seconds_count',
    ]) {
      expect(exprs).toContain(metric);
    }
  });

  it.each(rules.map((r) => [r.alert, r.expr]))('%s: names only metrics the apps export', (_alert, expr) => {
    const known = metricsInCode();
    const names = metricsInExpr(expr);
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });
});

describe('deploy/k8s/deploy.sh', () => {
  it('applies config, waits for the migration Job, and only then applies and rolls the apps', () => {
    const stubDir = mkdtempSync(join(tmpdir(), 'kubectl-stub-'));
    const log = join(stubDir, 'calls.log');
    try {
      const real = execFileSync('bash', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim();
      writeFileSync(
        join(stubDir, 'kubectl'),
        [
          '#!/usr/bin/env bash',
          `echo "$*" >> ${JSON.stringify(log)}`,
          `if [ "$1" = kustomize ]; then exec ${JSON.stringify(real)} "$@"; fi`,
          'case "$*" in',
          '  *"get job migrate"*) echo "1//2" ;;',
          '  *"get deployments"*) echo deployment.apps/webhook-gateway; echo deployment.apps/dispatcher ;;',
          'esac',
        ].join('\n'),
      );
      chmodSync(join(stubDir, 'kubectl'), 0o755);
      execFileSync('bash', [join(K8S_DIR, 'deploy.sh'), join(K8S_DIR, 'overlays/dev')], {
        env: { ...process.env, PATH: `${stubDir}:${process.env.PATH ?? ''}` },
        stdio: 'pipe',
      });
      const calls = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.replace(/-f \S+/, '-f <rendered>'));
      expect(calls).toEqual([
        expect.stringMatching(/^kustomize .*overlays\/dev$/),
        'apply -f <rendered> -l lever-assess.io/phase=prepare',
        '-n lever-assess-dev delete job migrate --ignore-not-found --wait=true',
        'apply -f <rendered> -l lever-assess.io/phase=migrate',
        '-n lever-assess-dev get job migrate -o jsonpath={.status.succeeded}/{.status.failed}/{.spec.backoffLimit}',
        'apply -f <rendered>',
        '-n lever-assess-dev get deployments -l app.kubernetes.io/part-of=lever-assess -o name',
        '-n lever-assess-dev rollout status deployment.apps/webhook-gateway --timeout=900s',
        '-n lever-assess-dev rollout status deployment.apps/dispatcher --timeout=900s',
      ]);
    } finally {
      rmSync(stubDir, { recursive: true, force: true });
    }
  });
});
