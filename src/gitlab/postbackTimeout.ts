/** Long enough for a GitLab on the same network to take a 25 MB message, short enough that a hung one frees the worker soon. */
export const DEFAULT_POSTBACK_TIMEOUT_MS = 5_000;
