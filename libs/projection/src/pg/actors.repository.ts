/** Every actor that claims something or is named by a claim (`actors`), for actor look-ups. */
import { PoolClient } from 'pg';

export class ActorsRepository {
  constructor(
    private readonly client: PoolClient,
    private readonly schema: string,
  ) {}

  async add(actors: readonly string[]): Promise<void> {
    if (actors.length === 0) return;
    await this.client.query(
      `INSERT INTO ${this.schema}.actors (actor) SELECT DISTINCT unnest($1::text[]) ON CONFLICT DO NOTHING`,
      [actors],
    );
  }
}
