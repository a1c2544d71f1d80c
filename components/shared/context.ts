/**
 * The context that hands the Timpora client to nested widgets.
 * The key is a registered symbol, so two copies of the kit on one page still match.
 * @module
 */
import { createContext } from '@lit/context';
import type { TimporaClient } from '../../sdk/client.ts';

/** Context key for the {@link TimporaClient}; consumers use `subscribe: true`. */
export const timporaContext = createContext<TimporaClient | undefined>(Symbol.for('timpora-client'));
