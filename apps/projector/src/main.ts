import 'reflect-metadata';
import { JsonLogger, loadConfig } from '@sitrep/platform';
import { startProjector } from './projector.factory';

startProjector(loadConfig()).catch((error: Error) => {
  new JsonLogger('projector').write('error', `projector failed to start: ${error.message}`, {
    hint: 'Is Kafka running (npm run kafka:start) and Postgres reachable at DATABASE_URL?',
  });
  process.exit(1);
});
