import type { ManagementClient } from './management-client.js';

/** Puts a message in the status line: what just happened, or why it failed. */
export type Notify = (message: string, tone?: 'info' | 'error') => void;

/** What the app gives every view: the room it has and whether keys are for it. */
export interface PaneProps {
  /** Columns to fill. */
  width: number;
  /** Lines available below the tab bar and above the footer. */
  height: number;
  /** False while another view is shown: keys are not for this one then. */
  active: boolean;
}

/** What a view that calls the API and changes things needs besides its room. */
export interface ActionProps {
  client: ManagementClient;
  /** How often shown data reloads. */
  refreshMs: number;
  notify: Notify;
  /** A view asks for every key (true) while it waits for a y/n answer, and gives them back (false). */
  setModal: (modal: boolean) => void;
}
