// Turns one finding into an action. The configuration is compiled once into a PolicyTable; per
// request, scopeFor(route, tenant) picks the layers that apply, and decideFinding() walks them in
// precedence order: tenant override > route (upstream.policy) > type (policy.types) > pack
// (policy.packs) > global (policy.genuine/placeholder/benign, LEAKGATE_ACTION).
// A pack file's own `actions` replace only the built-in defaults: they apply for a class while the
// global setting for it is still the schema default, so an operator's global choice (e.g.
// LEAKGATE_ACTION=block) is never undone by a pack that ships `genuine: redact`.
import { ConfigSchema, type Config } from '../config/schema.js';
import type { Finding, SecretClass } from '../detect/types.js';
import { ACTION_STRENGTH, type Action, type DecidedFinding } from './types.js';

export type FailMode = 'closed' | 'open';

/** Actions one layer sets, per class; an absent class falls through to the next layer. */
export interface ClassActions {
  genuine?: Action;
  placeholder?: Action;
  benign?: Action;
}

/** Defaults a filter pack file declares for its own findings (PackSpec.actions). */
export type PackDefaults = ReadonlyMap<string, ClassActions>;

/** Everything decide needs for one (route, tenant): built once per request, used per finding. */
export interface Scope {
  readonly route: string;
  readonly tenant: string;
  /** Layers, highest precedence first; `types` is consulted between route and packs. */
  readonly tenantActions: ClassActions;
  readonly routeActions: ClassActions;
  readonly types: ReadonlyMap<string, Action>;
  readonly packs: ReadonlyMap<string, ClassActions & { shadow?: boolean }>;
  readonly packDefaults: PackDefaults;
  readonly global: Readonly<Required<ClassActions>>;
  /** Tenant override's explicit shadow flag; when set it wins over route, pack and global. */
  readonly tenantShadow: boolean | undefined;
  /** Route or global shadow: every finding of the request is shadowed. */
  readonly requestShadow: boolean;
  readonly fail: FailMode;
  readonly reversibleRedaction: boolean;
}

export interface PolicyTable {
  readonly tenantHeader: string | null;
  scopeFor(route: string, tenant: string): Scope;
}

const EMPTY: ClassActions = Object.freeze({});

/** The schema's own defaults for the policy section (what an unset global means). */
const BUILTIN = ConfigSchema.shape.policy.parse(undefined);

/** Pack-file defaults restricted to the classes whose global action is still the built-in default. */
function effectivePackDefaults(p: Config['policy'], packDefaults: PackDefaults): PackDefaults {
  const open = (['genuine', 'placeholder', 'benign'] as const).filter((c) => p[c] === BUILTIN[c]);
  const out = new Map<string, ClassActions>();
  for (const [name, a] of packDefaults) {
    const kept: ClassActions = {};
    for (const c of open) if (a[c] !== undefined) kept[c] = a[c];
    out.set(name, kept);
  }
  return out;
}

/** Compiles the `policy` section and upstream overrides once; maps instead of key lookups on the hot path. */
export function compilePolicy(config: Readonly<Config>, packDefaults: PackDefaults = new Map()): PolicyTable {
  const p = config.policy;
  const global = Object.freeze({ genuine: p.genuine, placeholder: p.placeholder, benign: p.benign });
  const types = new Map(Object.entries(p.types));
  const packs = new Map(Object.entries(p.packs));
  const tenants = new Map(Object.entries(p.tenants.overrides));
  const fromPacks = effectivePackDefaults(p, packDefaults);
  const routes = new Map(
    Object.entries(config.upstreams).map(([name, u]) => [
      name,
      {
        actions: { genuine: u.policy.genuine, placeholder: u.policy.placeholder, benign: u.policy.benign },
        shadow: u.shadow,
        fail: u.policy.fail,
        reversible: u.policy.reversibleRedaction,
      },
    ]),
  );
  return {
    tenantHeader: p.tenants.header,
    scopeFor(route: string, tenant: string): Scope {
      const r = routes.get(route);
      const t = tenants.get(tenant);
      return {
        route,
        tenant,
        tenantActions: t ?? EMPTY,
        routeActions: r?.actions ?? EMPTY,
        types,
        packs,
        packDefaults: fromPacks,
        global,
        tenantShadow: t?.shadow,
        requestShadow: p.shadow || (r?.shadow ?? false),
        fail: r?.fail ?? p.fail,
        reversibleRedaction: r?.reversible ?? p.reversibleRedaction,
      };
    },
  };
}

/** Index of the first layer (0 = tenant … 5 = global; pack-file defaults at 4) that sets an action for `cls`, and that action. */
function resolveClass(f: Finding, cls: SecretClass, s: Scope): { action: Action; layer: number } {
  const layers: (ClassActions | undefined)[] = [
    s.tenantActions,
    s.routeActions,
    // A per-type override names the action for genuine values of that type.
    cls === 'genuine' ? { genuine: s.types.get(f.type) } : undefined,
    s.packs.get(f.pack),
    s.packDefaults.get(f.pack),
  ];
  for (let i = 0; i < layers.length; i++) {
    const a = layers[i]?.[cls];
    if (a !== undefined) return { action: a, layer: i };
  }
  return { action: s.global[cls], layer: layers.length };
}

/** Whether this finding is only observed (shadow), not enforced. */
export function findingShadow(f: Finding, s: Scope): boolean {
  if (s.tenantShadow !== undefined) return s.tenantShadow;
  return s.requestShadow || (s.packs.get(f.pack)?.shadow ?? false);
}

/**
 * The action for one finding. A placeholder or benign value is never treated more harshly than a
 * genuine value of the same type would be when the genuine action was set at a more specific
 * layer (so `types: {generic-password: allow}` also silences placeholder passwords); an explicit
 * setting at an equally or more specific layer is kept as written.
 */
export function decideFinding(f: Finding, s: Scope): DecidedFinding {
  const own = resolveClass(f, f.class, s);
  let action = own.action;
  if (f.class !== 'genuine') {
    const g = resolveClass(f, 'genuine', s);
    if (g.layer < own.layer && ACTION_STRENGTH[g.action] < ACTION_STRENGTH[action]) action = g.action;
  }
  return { ...f, action, shadow: findingShadow(f, s) };
}

export interface Outcome {
  action: Action;
  shadow: boolean;
}

/**
 * The request's action: the strongest of its enforced findings'. When shadowed findings would
 * have done more than the enforced ones and nothing is enforced beyond a warning, the decision is
 * a shadow decision showing what would have happened (and nothing is rewritten or blocked).
 */
export function summarize(findings: readonly DecidedFinding[], s: Scope): Outcome {
  let live: Action = 'allow';
  let would: Action = 'allow';
  for (const f of findings) {
    if (ACTION_STRENGTH[f.action] > ACTION_STRENGTH[would]) would = f.action;
    if (!f.shadow && ACTION_STRENGTH[f.action] > ACTION_STRENGTH[live]) live = f.action;
  }
  const wholeShadow = s.tenantShadow ?? s.requestShadow;
  if (wholeShadow) return { action: would, shadow: true };
  if (ACTION_STRENGTH[would] > ACTION_STRENGTH[live] && ACTION_STRENGTH[live] <= ACTION_STRENGTH.warn) {
    return { action: would, shadow: true };
  }
  return { action: live, shadow: false };
}
