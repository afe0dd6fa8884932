import type { CreatedNote, NoteToCreate, Saved } from '../handlers/sink.js';
import { authoredText, branchesNamedBy } from './authoredText.js';
import { applyOnce, appliedResult } from './idempotency.js';
import { noteableById } from './noteables.js';
import { discussionOf, insertNote, newDiscussionId } from './notes.js';
import { applyQuickActions } from './quickActionApplier.js';
import { subscribeParticipant } from './subscriptions.js';
import type { TrackerContext } from './types.js';
import { Errors, invalid, saved } from './validation.js';

const NOTE_MAX = 1_000_000;

/** The Sink's input; a direct call (API, seed) passes a null key and always applies. */
export type NoteInput = Omit<NoteToCreate, 'idempotencyKey'> & { idempotencyKey: string | null };

/**
 * GitLab's Notes::CreateService: quick actions run with the author's rights and leave the text; a
 * body of quick actions only keeps no note ("commands only"). The caller checks `create_note`.
 */
export async function createNote(ctx: TrackerContext, input: NoteInput): Promise<Saved<CreatedNote>> {
  if (input.idempotencyKey !== null) {
    const earlier = appliedResult<Saved<CreatedNote>>(ctx, input.idempotencyKey);
    if (earlier) return earlier;
  }
  const { text, actions } = authoredText(input.author, input.body);
  const existingBranches = await branchesNamedBy(ctx, input.project, actions);

  return applyOnce(ctx, input.idempotencyKey, () => {
    const noteable = noteableById(ctx, input.noteable.type, input.noteable.id);
    if (!noteable || noteable.projectId !== input.project.id)
      return { result: invalid("Noteable can't be blank"), keep: false };
    let internal = input.internal === true;
    if (input.discussionId) {
      const thread = discussionOf(ctx, noteable, input.discussionId);
      if (!thread) return { result: invalid('Discussion to reply to cannot be found'), keep: false };
      internal ||= thread.internal;
    }
    const scope = { actor: input.author, project: input.project, noteable, creating: false, existingBranches };
    if (text === '' && actions.length > 0) {
      applyQuickActions(ctx, scope, actions);
      return { result: saved({ id: 0, noteableId: noteable.id, commandsOnly: true }), keep: true };
    }
    const errors = new Errors();
    if (text === '') errors.add("Note can't be blank");
    errors.tooLong('Note', text, NOTE_MAX);
    if (errors.any) return { result: errors.result<CreatedNote>(), keep: false };

    const note = insertNote(ctx, {
      project: input.project,
      noteable,
      author: input.author,
      body: text,
      discussionId: input.discussionId || newDiscussionId(),
      internal,
      externalAuthor: input.externalAuthor ?? null,
    });
    applyQuickActions(ctx, scope, actions);
    if (!input.author.isSupportBot) subscribeParticipant(ctx, input.author.id, noteable);
    // Quick actions may have changed it (closed, relabelled): what the notification tells.
    const after = actions.length > 0 ? (noteableById(ctx, noteable.type, noteable.id) ?? noteable) : noteable;
    return {
      result: saved({ id: note.id, noteableId: noteable.id, commandsOnly: false }),
      keep: true,
      announce: () =>
        ctx.events.emit('noteCreated', { note, noteable: after, project: input.project, author: input.author }),
    };
  });
}
