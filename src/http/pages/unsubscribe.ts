import type { Context } from 'hono';
import { html } from 'hono/html';
import type { SentNotification } from '../../handlers/sink.js';
import type { AppEnv } from '../env.js';
import { page, type Html } from '../views/layout.js';

const what = (notification: SentNotification) =>
  notification.noteable
    ? `${notification.noteable.type === 'Issue' ? 'issue' : 'merge request'} "${notification.noteable.title}"`
    : 'this thread';

/** GET: says what the link would do and asks; no change until the button is pressed. */
export function unsubscribeConfirm(c: Context<AppEnv>, notification: SentNotification): Html {
  return page(
    c,
    'Unsubscribe',
    html`<h1>Unsubscribe</h1>
      ${
        notification.unsubscribable && notification.noteable
          ? html`<p>Stop mail to ${notification.recipient.email} about ${what(notification)}?</p>
              <form method="post" action="${c.req.path}">
                <button class="primary" type="submit">Unsubscribe</button>
              </form>`
          : html`<p>This mail was not about something one can unsubscribe from.</p>`
      }`,
  );
}

export function unsubscribed(c: Context<AppEnv>, notification: SentNotification): Html {
  return page(
    c,
    'Unsubscribed',
    html`<h1>Unsubscribed</h1>
      <p>${notification.recipient.email} will get no more mail about ${what(notification)}.</p>`,
  );
}
