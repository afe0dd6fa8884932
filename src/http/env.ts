import type { Session } from './session/sessions.js';

/** What every page handler finds on its context. */
export interface AppEnv {
  Variables: {
    session: Session | undefined;
    /** The token this visitor's forms carry (the session's, or the pre-sign-in form cookie's). */
    csrf: string;
  };
}
