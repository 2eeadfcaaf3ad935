import { createPool, ensureDatabase, loadConfig, migrate, redactUrl } from '@sitrep/platform';

export async function runMigrate(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 1);
  try {
    const { applied, readModel } = await migrate(pool);
    console.log(
      `${redactUrl(config.databaseUrl)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`,
    );
    if (readModel === 'replaced')
      console.log(
        'the live read model had an older layout: an empty one replaces it; the projector fills it from the claim log (or run npm run replay)',
      );
  } finally {
    await pool.end();
  }
}
