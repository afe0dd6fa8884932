import { html } from 'hono/html';
import type { Html } from './layout.js';

/** `2026-12-01 12:30:05 UTC`: one zone for everyone reading the same trace. */
export function when(ms: number | undefined): string {
  if (ms === undefined) return '';
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function duration(seconds: number): string {
  if (seconds < 90) return `${seconds}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

export const stateLabel = (state: string): Html => html`<span class="state state-${state}">${state}</span>`;

/** A date input's `YYYY-MM-DD` as the start of that day (UTC), or undefined when empty or malformed. */
export function dayStart(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isNaN(ms) ? undefined : ms;
}
