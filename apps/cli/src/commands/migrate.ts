import { loadConfig, prepareDatabase, redactUrl } from '@sitrep/platform';

export async function runMigrate(): Promise<void> {
  const config = loadConfig();
  const { applied, readModel } = await prepareDatabase(config.databaseUrl, {
    onRetry: (error) => console.error(`Postgres does not answer yet (${error.message}); waiting`),
  });
  console.log(
    `${redactUrl(config.databaseUrl)}: ${applied.length ? `applied ${applied.join(', ')}` : 'up to date'}`,
  );
  if (readModel === 'replaced')
    console.log(
      'the live read model had an older layout: an empty one replaces it; the projector fills it from the claim log (or run npm run replay)',
    );
}
