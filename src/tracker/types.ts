import type Database from 'better-sqlite3';
import type { NoteableType } from '../handlers/sink.js';
import type { TrackerEvents } from './events.js';

export type Role = 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner';
export type Visibility = 'public' | 'private';

/** GitLab's access levels, so roles compare as numbers. */
export const ACCESS_LEVEL: Readonly<Record<Role, number>> = {
  guest: 10,
  reporter: 20,
  developer: 30,
  maintainer: 40,
  owner: 50,
};

export interface ProjectDetails {
  visibility: Visibility;
  defaultBranch: string;
  /** The bare git repository, when the project has one. */
  repositoryPath: string | null;
}

export interface IssueRecord {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string;
  authorId: number;
  state: 'opened' | 'closed';
  confidential: boolean;
  externalAuthor: string | null;
  labels: string[];
  assigneeIds: number[];
  createdAt: number;
  updatedAt: number;
}

export interface MergeRequestRecord {
  id: number;
  iid: number;
  projectId: number;
  title: string;
  description: string;
  authorId: number;
  state: 'opened' | 'closed' | 'merged';
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
  assigneeIds: number[];
  createdAt: number;
  updatedAt: number;
}

export interface NoteRecord {
  id: number;
  projectId: number;
  noteableType: NoteableType;
  noteableId: number;
  discussionId: string;
  authorId: number;
  body: string;
  internal: boolean;
  externalAuthor: string | null;
  createdAt: number;
}

/** What every tracker module works with: the database, the clock, and the event list. */
export interface TrackerContext {
  db: Database.Database;
  /** A prepared statement for this SQL, compiled once (see statements.ts). */
  prepare(sql: string): Database.Statement;
  now: () => number;
  events: TrackerEvents;
  /** Where `createProject({ repository: true })` puts bare repositories. */
  repositoriesDir: string;
}
