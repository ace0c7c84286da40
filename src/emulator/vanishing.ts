/**
 * Assets deleted mid-run (variance): the most popular video and live stream vanish right after the
 * first page of their sessions with any session in it has been answered. A client then meets a
 * 404 on the asset's own routes, for the next page of the same listing as for any other period,
 * and the asset leaves the catalog lists. Their sessions' events stay readable.
 *
 * When is a function of the requests the emulator answers, in the order it answers them; the
 * ground truth records the request after which each asset vanished and the sessions served before.
 */
import type { Catalog } from './catalog.js';
import type { AssetKind } from './sessions.js';
import type { Variance } from './variance.js';

export interface Vanishing {
  assetType: AssetKind;
  assetId: string;
  /** False until the trigger has happened (the client never listed its sessions). */
  vanished: boolean;
  /** The request (method, path and query) whose answer was the last before it vanished. */
  afterRequest: string | undefined;
  /** Sessions the client was handed before the asset vanished: the only ones it can know. */
  servedSessionIds: string[];
}

export class VanishingAssets {
  private readonly planned: Vanishing[] = [];

  constructor(
    private readonly catalog: Catalog,
    variance: Variance,
  ) {
    if (!variance.vanishingAssets) return;
    for (const kind of ['video', 'live_stream'] as const) {
      const index = catalog.mostPopular(kind);
      if (index < 0) continue;
      const asset = kind === 'video' ? catalog.videos[index]! : catalog.liveStreams[index]!;
      this.planned.push({
        assetType: kind,
        assetId: asset.id,
        vanished: false,
        afterRequest: undefined,
        servedSessionIds: [],
      });
    }
  }

  /** Called with each answered page of an asset's sessions. */
  served(kind: AssetKind, assetId: string, sessionIds: readonly string[], request: string): void {
    if (sessionIds.length === 0) return;
    const plan = this.planned.find((p) => p.assetType === kind && p.assetId === assetId);
    if (!plan || plan.vanished) return;
    plan.vanished = true;
    plan.afterRequest = request;
    plan.servedSessionIds = [...sessionIds];
    this.catalog.remove(assetId);
  }

  /** The vanishing asset's plan, if this asset has one. */
  of(assetId: string): Vanishing | undefined {
    return this.planned.find((p) => p.assetId === assetId);
  }

  report(): Vanishing[] {
    return this.planned.map((p) => ({ ...p, servedSessionIds: [...p.servedSessionIds] }));
  }
}
