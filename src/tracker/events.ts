import type { Noteable, Project, User } from '../handlers/sink.js';
import type { IssueRecord, MergeRequestRecord, NoteRecord } from './types.js';

/** What the tracker announces as it commits, so notification mail can follow without the tracker knowing SMTP. */
export interface TrackerEventMap {
  noteCreated: { note: NoteRecord; noteable: Noteable; project: Project; author: User };
  issueCreated: { issue: IssueRecord; project: Project; author: User };
  mergeRequestCreated: { mergeRequest: MergeRequestRecord; project: Project; author: User };
  /** Service Desk: a new ticket's thank-you mail is due (announced once per ticket). */
  serviceDeskThankYouDue: { issue: IssueRecord; project: Project; to: string };
}

export type TrackerEventName = keyof TrackerEventMap;
type Listener<E extends TrackerEventName> = (event: TrackerEventMap[E]) => void;

/**
 * Listeners run inside the transaction of the action they hear about: what they write commits
 * with it, and a listener that throws undoes the action (the caller sees the error and retries).
 */
export class TrackerEvents {
  private readonly listeners: { [E in TrackerEventName]: Listener<E>[] } = {
    noteCreated: [],
    issueCreated: [],
    mergeRequestCreated: [],
    serviceDeskThankYouDue: [],
  };

  /** Returns a function that removes the listener. */
  on<E extends TrackerEventName>(event: E, listener: Listener<E>): () => void {
    const list = this.listeners[event] as Listener<E>[];
    list.push(listener);
    return () => {
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
    };
  }

  emit<E extends TrackerEventName>(event: E, payload: TrackerEventMap[E]): void {
    for (const listener of [...(this.listeners[event] as Listener<E>[])]) listener(payload);
  }
}
