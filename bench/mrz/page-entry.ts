// Browser entry of the MRZ bench: exposes the engine to the page (bundled by bench/mrz/run.ts).
import { readMrz } from '../../sdk/mrz/engine.ts';

(globalThis as unknown as { __mrz: { readMrz: typeof readMrz } }).__mrz = { readMrz };
