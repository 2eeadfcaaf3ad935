import { Injectable } from '@nestjs/common';
import { ReportClaimsRepository, StoredClaim } from './report-claims.repository';

interface Waiting {
  readonly ids: readonly string[];
  readonly resolve: (claims: ReadonlyMap<string, StoredClaim>) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The accepted claims that reports target by id: the lookups of every report that arrives in the
 * same turn of the event loop go to Postgres as one statement.
 */
@Injectable()
export class KnownClaimsLoader {
  private waiting: Waiting[] = [];

  constructor(private readonly claims: ReportClaimsRepository) {}

  load(claimIds: readonly string[]): Promise<ReadonlyMap<string, StoredClaim>> {
    if (claimIds.length === 0) return Promise.resolve(new Map());
    return new Promise((resolve, reject) => {
      if (this.waiting.length === 0) setImmediate(() => this.flush());
      this.waiting.push({ ids: claimIds, resolve, reject });
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    this.claims.byIds([...new Set(batch.flatMap((w) => w.ids))]).then(
      (found) => batch.forEach((w) => w.resolve(found)),
      (error: unknown) => batch.forEach((w) => w.reject(error)),
    );
  }
}
