import { createPool, ensureDatabase, loadConfig, migrate, redactUrl } from '@sitrep/platform';

export async function runMigrate(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.databaseUrl);
  const pool = createPool(config.databaseUrl, 1);
  try {
    const { applied } = await migrate(pool);
    console.log(
      `${redactUrl(config.databaseUrl)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`,
    );
  } finally {
    await pool.end();
  }
}
