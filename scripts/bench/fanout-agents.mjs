// Worker entry of the fan-out benchmark: Node 20 cannot start a worker on a .ts file, so this
// registers tsx first and then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./fanout-agents.ts');
