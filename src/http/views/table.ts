import { html } from 'hono/html';
import type { Html } from './layout.js';

/** A scrollable table: one header row, then a row per item (the caller writes each row's cells). */
export function dataTable(headings: (string | Html)[], rows: Html[]): Html {
  return html`<div class="scroll">
    <table>
      <thead>
        <tr>
          ${headings.map((heading) => html`<th>${heading}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;
}
