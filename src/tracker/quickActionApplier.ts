import type { Noteable, Project, User } from '../handlers/sink.js';
import { addAssignees, addLabels, noteableById, removeAssignees, removeLabels, updateNoteable } from './noteables.js';
import { can, canManage, canUpdate } from './permissions.js';
import { parseLabelNames, parseUsernames, type QuickAction } from './quickActions.js';
import { setSubscription } from './subscriptions.js';
import { addTodo, markTodosDone } from './todos.js';
import type { TrackerContext } from './types.js';
import { userByUsername } from './users.js';

const TITLE_MAX = 255;

export interface QuickActionScope {
  actor: User;
  project: Project;
  noteable: Noteable;
  /** A record being created: closing, reopening and retitling it make no sense yet (as in GitLab). */
  creating: boolean;
  /**
   * Branches `/target_branch` may name, checked against the repository by the caller before the
   * transaction; null when the project has no repository, so any name is taken.
   */
  existingBranches: ReadonlySet<string> | null;
}

/**
 * Carries out quick actions with the actor's rights, inside the caller's transaction. A command
 * the actor may not use is dropped silently, as GitLab drops it (the line is gone from the text
 * either way). Returns the actions that took effect.
 */
export function applyQuickActions(ctx: TrackerContext, scope: QuickActionScope, actions: QuickAction[]): QuickAction[] {
  const applied: QuickAction[] = [];
  for (const action of actions) {
    const current = noteableById(ctx, scope.noteable.type, scope.noteable.id);
    if (current && applyOne(ctx, { ...scope, noteable: current }, action)) applied.push(action);
  }
  return applied;
}

function applyOne(ctx: TrackerContext, scope: QuickActionScope, action: QuickAction): boolean {
  const { actor, project, noteable } = scope;
  const manage = () => canManage(ctx, actor, project, noteable);
  const update = () => canUpdate(ctx, actor, project, noteable);
  switch (action.name) {
    case 'close':
      if (scope.creating || noteable.state !== 'opened' || !update()) return false;
      updateNoteable(ctx, noteable, { state: 'closed' });
      return true;
    case 'reopen':
      if (scope.creating || noteable.state !== 'closed' || !update()) return false;
      updateNoteable(ctx, noteable, { state: 'opened' });
      return true;
    case 'title': {
      const title = action.argument.trim();
      if (scope.creating || title === '' || title.length > TITLE_MAX || !update()) return false;
      updateNoteable(ctx, noteable, { title });
      return true;
    }
    case 'label':
    case 'relabel': {
      const names = parseLabelNames(action.argument);
      if (names.length === 0 || !manage()) return false;
      if (action.name === 'relabel') removeLabels(ctx, noteable, 'all');
      addLabels(ctx, noteable, names);
      return true;
    }
    case 'unlabel': {
      if (!manage()) return false;
      const names = parseLabelNames(action.argument);
      removeLabels(ctx, noteable, names.length === 0 ? 'all' : names);
      return true;
    }
    case 'assign': {
      const users = resolveUsers(ctx, scope, action.argument);
      if (users.length === 0 || !manage()) return false;
      addAssignees(
        ctx,
        noteable,
        users.map((user) => user.id),
      );
      for (const user of users) setSubscription(ctx, user.id, noteable, true);
      return true;
    }
    case 'unassign': {
      if (!manage()) return false;
      const users = resolveUsers(ctx, scope, action.argument);
      removeAssignees(ctx, noteable, action.argument.trim() === '' ? 'all' : users.map((user) => user.id));
      return true;
    }
    case 'confidential':
      if (noteable.type !== 'Issue' || noteable.confidential || !manage()) return false;
      updateNoteable(ctx, noteable, { confidential: true });
      return true;
    case 'target_branch': {
      const branch = action.argument.trim();
      if (noteable.type !== 'MergeRequest' || branch === '' || !update()) return false;
      if (scope.existingBranches && !scope.existingBranches.has(branch)) return false;
      updateNoteable(ctx, noteable, { targetBranch: branch });
      return true;
    }
    case 'todo':
      if (!can(ctx, actor, 'read_project', project)) return false;
      addTodo(ctx, actor.id, noteable);
      return true;
    case 'done':
      markTodosDone(ctx, actor.id, noteable);
      return true;
    case 'subscribe':
    case 'unsubscribe':
      if (!can(ctx, actor, 'read_project', project)) return false;
      setSubscription(ctx, actor.id, noteable, action.name === 'subscribe');
      return true;
  }
}

/** Usernames to users who exist, are not blocked and can see the project; `me` is the actor. */
function resolveUsers(ctx: TrackerContext, scope: QuickActionScope, argument: string): User[] {
  const users: User[] = [];
  for (const name of parseUsernames(argument)) {
    const user = name === 'me' ? scope.actor : userByUsername(ctx, name);
    if (
      user &&
      !user.isSupportBot &&
      can(ctx, user, 'read_project', scope.project) &&
      !users.some((u) => u.id === user.id)
    ) {
      users.push(user);
    }
  }
  return users;
}

/** The `/target_branch` names to check against the repository before the transaction starts. */
export const targetBranchArguments = (actions: QuickAction[]): string[] =>
  actions.filter((action) => action.name === 'target_branch').map((action) => action.argument.trim());
