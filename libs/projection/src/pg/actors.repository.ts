/** Every actor that claims something or is named by a claim (`actors`), for actor look-ups. */
import { PoolClient } from 'pg';

export class ActorsRepository {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  /** Add the actors not known yet; each is sent once however often the batch names it. */
  async add(named: Iterable<string>): Promise<void> {
    const actors = [...new Set(named)];
    if (actors.length === 0) return;
    await this.client.query(
      // In one order everywhere: two batches adding the same new actors never deadlock.
      `INSERT INTO ${this.schema}.actors (actor)
       SELECT DISTINCT a FROM unnest($1::text[]) AS a ORDER BY a ON CONFLICT DO NOTHING`,
      [actors],
    );
  }
}
